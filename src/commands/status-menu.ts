// The quick menu behind the status-bar item.
import * as vscode from 'vscode';
import type { EngineStatus } from '../engine/protocol';
import { readInlineSettings, toggleInline } from '../settings';

type Item = vscode.QuickPickItem & { run: () => Thenable<unknown> };

export async function showStatusMenu(engine: EngineStatus): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  const items: Item[] = [];
  if (engine.state === 'no-model' || engine.state === 'error') {
    items.push(
      { label: '$(cloud-download) Download the model', run: () => vscode.commands.executeCommand('bitnet.downloadModel') },
      { label: '$(file) Use a local model file…', run: () => vscode.commands.executeCommand('bitnet.useLocalModel') },
    );
  }
  const enabled = readInlineSettings().enabled;
  items.push({ label: `$(${enabled ? 'circle-slash' : 'check'}) ${enabled ? 'Turn off' : 'Turn on'} inline completion`, run: () => vscode.commands.executeCommand('bitnet.toggleInline') });
  if (document) {
    const forLanguage = readInlineSettings(document).enabled;
    items.push({
      label: `$(symbol-namespace) ${forLanguage ? 'Turn off' : 'Turn on'} inline completion for ${document.languageId}`,
      run: () => vscode.commands.executeCommand('bitnet.toggleInlineForLanguage'),
    });
  }
  items.push(
    { label: '$(graph) Show stats', run: () => vscode.commands.executeCommand('bitnet.showStats') },
    { label: '$(output) Show log', description: 'one line per completion request', run: () => vscode.commands.executeCommand('bitnet.showLog') },
    { label: '$(gear) Open settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'bitnet.') },
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'BitNet' });
  await pick?.run();
}

/** Flips inline completion for the active editor's language only. */
export async function toggleInlineForLanguage(): Promise<void> {
  const languageId = vscode.window.activeTextEditor?.document.languageId;
  if (!languageId) return;
  const enabled = await toggleInline(languageId);
  vscode.window.setStatusBarMessage(`BitNet inline completion ${enabled ? 'on' : 'off'} for ${languageId}`, 3000);
}
