// "BitNet: Show stats": what the engine runs on and how fast it was, in a
// read-only Markdown document.
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/client';
import { formatStats } from './stats-report';

export async function showStats(client: EngineClient): Promise<void> {
  let body: string;
  try {
    body = formatStats(await client.stats(), client.status);
  } catch (err) {
    body = `# BitNet stats\n\nThe engine is not running: ${(err as Error).message}`;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: body });
  await vscode.window.showTextDocument(doc, { preview: true });
}
