// "BitNet: Download model": the official model into the extension's global
// storage, with a cancellable progress notification that says what is
// happening (connecting, which try, percent, speed, time left). Cancel stops
// the transfer and keeps the part, so the next run resumes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkModelDownloadInWorker } from '../model/run-model-check';
import { describeModel } from '../model/describe-model';
import { downloadFile, partialBytes } from '../model/download';
import { DownloadError } from '../model/download-error';
import { statusText } from '../model/download-status';
import { downloadedModelPath } from '../model/model-location';
import { MODEL_MAX_BYTES } from '../model/model-size';
import { modelUrl, resolveEndpoint, resolveSha256 } from '../model/model-source';
import { formatProgress, type DownloadProgress } from '../model/progress-meter';
import { readSettings } from '../settings';
import { readDownloadToken } from './download-token';

let running: Promise<string | undefined> | undefined;
/** Stops the running download without a word to the user (it is no longer wanted). */
let dropRunning: (() => void) | undefined;

/**
 * Downloads the model, or joins the download already running. Resolves to the
 * file's path, or undefined when it was cancelled or failed (the user has been told).
 */
export function downloadModel(context: vscode.ExtensionContext): Promise<string | undefined> {
  running ??= run(context).finally(() => (running = undefined));
  return running;
}

/** Called when the user picked a local model: a download still running or retrying is not wanted any more. */
export function cancelModelDownload(): void {
  dropRunning?.();
}

async function run(context: vscode.ExtensionContext): Promise<string | undefined> {
  const settings = readSettings();
  let sha256: string | undefined;
  try {
    sha256 = resolveSha256(settings.downloadSha256);
  } catch (err) {
    void vscode.window.showErrorMessage(`BitNet: ${(err as Error).message}`);
    return undefined;
  }
  const url = modelUrl(resolveEndpoint(settings.downloadEndpoint));
  const dest = downloadedModelPath(context.globalStorageUri.fsPath);
  const existing = describeModel(dest, dest);
  if (existing) {
    const again = await vscode.window.showInformationMessage(
      `BitNet: the model is already downloaded (${existing.sizeText}, ${existing.folder}).`,
      'Download again',
    );
    if (!again) return dest;
  }
  const token = await readDownloadToken(context);
  const resuming = partialBytes(dest) > 0;
  const controller = new AbortController();
  let dropped = false;
  dropRunning = () => {
    dropped = true;
    controller.abort();
  };

  try {
    return await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: resuming ? 'BitNet: resuming the model download' : 'BitNet: downloading the model',
        cancellable: true,
      },
      async (progress, cancel) => {
        cancel.onCancellationRequested(() => controller.abort());
        let shownPercent = 0;
        const onProgress = (p: DownloadProgress): void => {
          // withProgress adds up increments, so report the change since last time.
          const percent = p.totalBytes ? Math.floor((p.bytesDone / p.totalBytes) * 100) : 0;
          progress.report({ increment: percent - shownPercent, message: `${percent}% · ${formatProgress(p)}` });
          shownPercent = percent;
        };
        const result = await downloadFile({
          url,
          dest,
          token,
          sha256,
          signal: controller.signal,
          onProgress,
          onStatus: (status) => progress.report({ message: statusText(status) }),
          maxBytes: MODEL_MAX_BYTES,
          content: checkModelDownloadInWorker(path.join(context.extensionPath, 'dist', 'model-check.js')),
        });
        progress.report({ message: 'verified' });
        return result.path;
      },
    );
  } catch (err) {
    if (!dropped) await reportFailure(err);
    return undefined;
  } finally {
    dropRunning = undefined;
  }
}

async function reportFailure(err: unknown): Promise<void> {
  if (err instanceof DownloadError && err.code === 'CANCELLED') {
    void vscode.window.showInformationMessage('BitNet: download paused. Run "BitNet: Download model" to resume where it stopped.');
    return;
  }
  if (err instanceof DownloadError && err.code === 'BUSY') {
    void vscode.window.showInformationMessage(`BitNet: ${err.message}`);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  const choice = await vscode.window.showErrorMessage(`BitNet: ${message}`, 'Retry', 'Use a local file…');
  if (choice === 'Retry') void vscode.commands.executeCommand('bitnet.downloadModel');
  if (choice === 'Use a local file…') void vscode.commands.executeCommand('bitnet.useLocalModel');
}
