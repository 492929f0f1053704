// Commands on the model file itself: show it in the OS file manager, delete
// the downloaded copy.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { describeModel, formatSize } from '../model/describe-model';
import { partialBytes, removePartial } from '../model/download';

/** "BitNet: Reveal model file": opens the folder with the file selected. */
export async function revealModel(file: string | undefined): Promise<void> {
  if (!file || !fs.existsSync(file)) {
    const choice = await vscode.window.showInformationMessage('BitNet: there is no model file yet.', 'Download model', 'Use a local file…');
    if (choice === 'Download model') void vscode.commands.executeCommand('bitnet.downloadModel');
    if (choice === 'Use a local file…') void vscode.commands.executeCommand('bitnet.useLocalModel');
    return;
  }
  if (vscode.env.remoteName) {
    // The file is on the remote machine: no local file manager can show it.
    const choice = await vscode.window.showInformationMessage(`BitNet model: ${file}`, 'Copy path');
    if (choice) await vscode.env.clipboard.writeText(file);
    return;
  }
  await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
}

/**
 * "BitNet: Delete downloaded model": asks first (modal), then deletes the
 * downloaded copy and any unfinished download. `release` runs before the
 * delete so the engine can let go of the file. Resolves to true if anything was deleted.
 */
export async function deleteDownloadedModel(downloaded: string, release: () => void | Promise<void>): Promise<boolean> {
  const model = describeModel(downloaded, downloaded);
  const partial = partialBytes(downloaded);
  if (!model && partial === 0) {
    void vscode.window.showInformationMessage('BitNet: there is no downloaded model to delete.');
    return false;
  }
  const what = model ? `the downloaded BitNet model (${model.sizeText})` : `the unfinished model download (${formatSize(partial)})`;
  const choice = await vscode.window.showWarningMessage(
    `Delete ${what}?`,
    { modal: true, detail: `${model ? model.path : downloaded + '.part'}\n\nYou can download it again later.` },
    'Delete',
  );
  if (choice !== 'Delete') return false;
  try {
    await release();
    await fs.promises.rm(downloaded, { force: true });
    await removePartial(downloaded);
  } catch (err) {
    void vscode.window.showErrorMessage(`BitNet: could not delete the model: ${(err as Error).message}. Close anything that uses it and try again.`);
    return false;
  }
  void vscode.window.showInformationMessage('BitNet: the downloaded model was deleted.');
  return true;
}
