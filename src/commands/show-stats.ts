// "BitNet: Show stats": what the engine runs on, in a read-only document.
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/client';

export async function showStats(client: EngineClient): Promise<void> {
  let body: string;
  try {
    const hello = await client.request('hello', {});
    const cpu = hello.cpu;
    const features = ['avx2', 'avx512', 'avx512vnni', 'neon', 'dotprod'].filter((k) => cpu[k as keyof typeof cpu] === true);
    body = [
      '# BitNet stats',
      '',
      `- Engine: native addon ${hello.addonVersion} on ${hello.platform}, Node ${hello.node}`,
      `- CPU: ${cpu.physicalCores} cores (${cpu.logicalCores} threads), features: ${features.join(', ') || 'baseline only'}`,
    ].join('\n');
  } catch (err) {
    body = `# BitNet stats\n\nThe engine is not running: ${(err as Error).message}`;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: body });
  await vscode.window.showTextDocument(doc, { preview: true });
}
