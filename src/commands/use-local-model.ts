// "BitNet: Use a local model file…": pick a .gguf, check it with the GGUF
// reader, and only then point `bitnet.modelPath` at it.
import * as vscode from 'vscode';

/** Resolves to the accepted file, or undefined if the user gave up. */
export async function useLocalModel(check: (file: string) => Promise<void>): Promise<string | undefined> {
  for (;;) {
    const picked = await vscode.window.showOpenDialog({
      title: 'BitNet: choose a model file',
      openLabel: 'Use this model',
      canSelectMany: false,
      canSelectFolders: false,
      filters: { 'GGUF model': ['gguf'], 'All files': ['*'] },
    });
    const file = picked?.[0]?.fsPath;
    if (!file) return undefined;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'BitNet: checking the model file…' }, () => check(file));
    } catch (err) {
      const again = await vscode.window.showErrorMessage(`BitNet: ${(err as Error).message}`, 'Choose another file…');
      if (again) continue;
      return undefined;
    }
    await vscode.workspace.getConfiguration('bitnet').update('modelPath', file, vscode.ConfigurationTarget.Global);
    return file;
  }
}
