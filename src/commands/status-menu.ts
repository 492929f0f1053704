// The quick menu behind the status-bar item.
import * as vscode from 'vscode';

export async function showStatusMenu(): Promise<void> {
  const config = vscode.workspace.getConfiguration('bitnet', vscode.window.activeTextEditor?.document);
  const language = vscode.window.activeTextEditor?.document.languageId;
  const enabled = config.get<boolean>('inline.enabled', true);
  type Item = vscode.QuickPickItem & { run: () => Thenable<unknown> };
  const items: Item[] = [
    { label: `$(${enabled ? 'circle-slash' : 'check'}) ${enabled ? 'Turn off' : 'Turn on'} inline completion`, run: () => vscode.commands.executeCommand('bitnet.toggleInline') },
  ];
  if (language) {
    items.push({ label: `$(symbol-namespace) Toggle inline completion for ${language}`, run: () => vscode.commands.executeCommand('bitnet.toggleInlineForLanguage') });
  }
  items.push(
    { label: '$(graph) Show stats', run: () => vscode.commands.executeCommand('bitnet.showStats') },
    { label: '$(gear) Open settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'bitnet.') },
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'BitNet' });
  await pick?.run();
}

/** Flips `bitnet.inline.enabled` for the active editor's language only. */
export async function toggleInlineForLanguage(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) return;
  const config = vscode.workspace.getConfiguration('bitnet', { languageId: document.languageId });
  const enabled = !config.get<boolean>('inline.enabled', true);
  await config.update('inline.enabled', enabled, vscode.ConfigurationTarget.Global, true);
  vscode.window.setStatusBarMessage(`BitNet inline completion ${enabled ? 'on' : 'off'} for ${document.languageId}`, 3000);
}
