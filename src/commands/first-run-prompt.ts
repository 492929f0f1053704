// The one question before the model download. Asked once; "Not now" (or
// closing the notification) is remembered until VS Code restarts, so we never
// nag and never download without a click.
import * as vscode from 'vscode';
import { formatSize } from '../model/describe-model';
import { MODEL_SIZE_TEXT } from '../model/model-size';

let askedThisSession = false;

export type FirstRunChoice = 'download' | 'local' | undefined;

/** `partialBytes` > 0 turns the offer into "resume". */
export async function offerModel(partialBytes: number): Promise<FirstRunChoice> {
  if (askedThisSession) return undefined;
  askedThisSession = true;
  const message =
    partialBytes > 0
      ? `BitNet needs its model to work. ${formatSize(partialBytes)} of ${MODEL_SIZE_TEXT} are already downloaded.`
      : `BitNet needs its model (${MODEL_SIZE_TEXT}, from Hugging Face) to work. Download it now, or use a file you already have?`;
  const download = partialBytes > 0 ? 'Resume download' : 'Download';
  const choice = await vscode.window.showInformationMessage(message, download, 'Use a local file…', 'Not now');
  if (choice === download) return 'download';
  if (choice === 'Use a local file…') return 'local';
  return undefined;
}
