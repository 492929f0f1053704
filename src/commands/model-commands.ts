// The model manager's VS Code side: which model file is in use, the first-run
// offer, and the commands that download, pick, reveal and delete model files.
// The extension learns about the model only through `onModelChanged`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readModelInWorker } from '../model/run-model-check';
import { checkModelFile, type ModelReader } from '../model/check-model-file';
import { describeModel, type ModelDescription } from '../model/describe-model';
import { partialBytes } from '../model/download';
import { downloadedModelPath, locateModel, type PathContext } from '../model/model-location';
import { readSettings } from '../settings';
import { cancelModelDownload, downloadModel } from './download-model';
import { setDownloadToken } from './download-token';
import { offerModel } from './first-run-prompt';
import { deleteDownloadedModel, revealModel } from './model-file';
import { useLocalModel } from './use-local-model';

/** Called with the path of a checked model file, or undefined when there is none usable. */
export type ModelChanged = (path: string | undefined) => void;

/**
 * Registers the model commands and the `bitnet.modelPath` watcher, then finds
 * the model: `onModelChanged` is called once soon after with the file to load
 * (or undefined, after offering a download), and again whenever it changes.
 */
export function registerModelCommands(context: vscode.ExtensionContext, onModelChanged: ModelChanged): void {
  const manager = new ModelManager(context, onModelChanged);
  context.subscriptions.push(
    vscode.commands.registerCommand('bitnet.downloadModel', () => manager.download()),
    vscode.commands.registerCommand('bitnet.useLocalModel', () => manager.useLocal()),
    vscode.commands.registerCommand('bitnet.revealModel', () => revealModel(manager.current ?? existingDownload(context))),
    vscode.commands.registerCommand('bitnet.deleteModel', () => manager.deleteDownloaded()),
    vscode.commands.registerCommand('bitnet.setDownloadToken', () => setDownloadToken(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bitnet.modelPath')) void manager.refresh({ offer: false });
    }),
  );
  void manager.refresh({ offer: true });
}

/** Which file, how big, where: for the status bar and "Show stats". */
export function describeModelInUse(context: vscode.ExtensionContext, path: string): ModelDescription | undefined {
  return describeModel(path, downloadedModelPath(storage(context)));
}

class ModelManager {
  current: string | undefined;
  private announced = false;
  private generation = 0;
  private readonly checkModel: (file: string) => Promise<void>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly onModelChanged: ModelChanged,
  ) {
    this.checkModel = modelChecker(context);
  }

  /** Finds and checks the model; `offer` shows the first-run question when there is none. */
  async refresh({ offer }: { offer: boolean }): Promise<void> {
    const generation = ++this.generation;
    const location = locateModel(readSettings().modelPath, storage(this.context), pathContext());
    if (location.kind === 'none') {
      this.use(undefined);
      if (offer) await this.offer();
      return;
    }
    if (location.kind === 'invalid') {
      this.use(undefined);
      void this.reportBadModel(location.message);
      return;
    }
    try {
      await this.checkModel(location.path);
    } catch (err) {
      if (generation !== this.generation) return; // a newer refresh is under way
      this.use(undefined);
      void this.reportBadModel((err as Error).message);
      return;
    }
    if (generation === this.generation) this.use(location.path);
  }

  async download(): Promise<void> {
    const file = await downloadModel(this.context);
    if (!file) return;
    try {
      await this.checkModel(file);
    } catch (err) {
      // E.g. a mirror that answered with a login page and no pinned hash: never keep it.
      await fs.promises.rm(file, { force: true });
      void vscode.window.showErrorMessage(
        `BitNet: the downloaded file is not a usable model and was deleted. ${(err as Error).message} Check the "bitnet.download.endpoint" setting.`,
      );
      await this.refresh({ offer: false });
      return;
    }
    if (readSettings().modelPath.trim() !== '') {
      const choice = await vscode.window.showInformationMessage(
        'BitNet: the model was downloaded, but "bitnet.modelPath" points to another file, which stays in use.',
        'Use the downloaded model',
      );
      // Clearing the setting fires the configuration watcher, which switches to the download.
      if (choice) await vscode.workspace.getConfiguration('bitnet').update('modelPath', undefined, vscode.ConfigurationTarget.Global);
      return;
    }
    this.generation++; // a refresh still under way must not undo this
    this.use(file);
    void vscode.window.showInformationMessage('BitNet: the model is downloaded and ready.');
  }

  async useLocal(): Promise<void> {
    const file = await useLocalModel(this.checkModel);
    if (!file) return;
    // The user chose a file: a download running or retrying in the background is not wanted any more.
    cancelModelDownload();
    // The same path again fires no configuration change, so refresh here too.
    await this.refresh({ offer: false });
    const model = this.current === file ? describeModelInUse(this.context, file) : undefined;
    if (model) void vscode.window.showInformationMessage(`BitNet: using ${model.fileName} (${model.sizeText}) from ${model.folder}.`);
  }

  async deleteDownloaded(): Promise<void> {
    const downloaded = downloadedModelPath(storage(this.context));
    const inUse = this.current === downloaded;
    const deleted = await deleteDownloadedModel(downloaded, () => {
      if (inUse) this.use(undefined);
    });
    if (!deleted && inUse) await this.refresh({ offer: false });
  }

  private async offer(): Promise<void> {
    const choice = await offerModel(partialBytes(downloadedModelPath(storage(this.context))));
    // The offer can stay open for minutes: a model set meanwhile (a late setting, another window) wins.
    if (choice && this.current) {
      const model = describeModelInUse(this.context, this.current);
      void vscode.window.showInformationMessage(`BitNet: nothing to download, the model in use is ${model ? `${model.fileName} from ${model.folder}` : this.current}.`);
      return;
    }
    if (choice === 'download') await this.download();
    if (choice === 'local') await this.useLocal();
  }

  private async reportBadModel(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(`BitNet: ${message}`, 'Use a local file…', 'Download model', 'Open settings');
    if (choice === 'Use a local file…') await this.useLocal();
    if (choice === 'Download model') await this.download();
    if (choice === 'Open settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'bitnet.modelPath');
  }

  /** Tells the extension, once per change (and once at start even if there is no model). */
  private use(path: string | undefined): void {
    if (this.announced && path === this.current) return;
    this.announced = true;
    this.current = path;
    this.onModelChanged(path);
  }
}

/** Checks a model file with the GGUF reader, on a worker thread: the real file takes about 0.5 s to parse. */
function modelChecker(context: vscode.ExtensionContext): (file: string) => Promise<void> {
  const read: ModelReader = readModelInWorker(path.join(context.extensionPath, 'dist', 'model-check.js'));
  return (file) => checkModelFile(file, read);
}

function storage(context: vscode.ExtensionContext): string {
  return context.globalStorageUri.fsPath;
}

function existingDownload(context: vscode.ExtensionContext): string | undefined {
  const downloaded = downloadedModelPath(storage(context));
  return describeModel(downloaded) ? downloaded : undefined;
}

function pathContext(): PathContext {
  return { workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath };
}
