// "BitNet: Show stats": what the engine runs on and how fast it was, in a
// read-only Markdown document.
import * as vscode from 'vscode';
import type { Backend } from '../backend/backend';
import { formatBackendStats } from '../backend/server-stats-report';

export async function showStats(client: Pick<Backend, 'stats' | 'status'>): Promise<void> {
  let body: string;
  try {
    body = formatBackendStats(await client.stats(), client.status);
  } catch (err) {
    body = `# BitNet stats\n\nThe engine is not running: ${(err as Error).message}`;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: body });
  await vscode.window.showTextDocument(doc, { preview: true });
}
