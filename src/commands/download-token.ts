// The optional bearer token for gated mirrors. It lives in VS Code's
// SecretStorage (the OS keychain), not in settings.json, so it never lands in
// a synced or committed settings file. HF_TOKEN is the fallback, as in
// Hugging Face's own tools.
import * as vscode from 'vscode';

const KEY = 'bitnet.download.token';

export async function readDownloadToken(context: vscode.ExtensionContext): Promise<string | undefined> {
  const stored = await context.secrets.get(KEY);
  return stored || process.env.HF_TOKEN || undefined;
}

/** "BitNet: Set download token…": empty input removes the token. */
export async function setDownloadToken(context: vscode.ExtensionContext): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'BitNet: download token',
    prompt: 'A token for a gated mirror, sent only to the download endpoint as "Authorization: Bearer …". Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim() === '') {
    await context.secrets.delete(KEY);
    void vscode.window.showInformationMessage('BitNet: download token removed.');
  } else {
    await context.secrets.store(KEY, value.trim());
    void vscode.window.showInformationMessage('BitNet: download token saved in the system keychain.');
  }
}
