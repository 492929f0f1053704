// The composition root: builds the parts and wires them to VS Code.
import * as vscode from 'vscode';
import { chooseBackend } from './backend/choose-backend';
import { registerChat } from './chat/register';
import { registerModelCommands } from './commands/model-commands';
import { showStats } from './commands/show-stats';
import { showStatusMenu, toggleInlineForLanguage } from './commands/status-menu';
import { registerInlineCompletion } from './completion/register';
import { EngineClient, type EngineStatus } from './engine/client';
import { readInlineSettings, readSettings, toggleInline } from './settings';
import { StatusBar } from './status';
import type { StatusInput } from './status-view';

export function activate(context: vscode.ExtensionContext): void {
  const client = new EngineClient(context.extensionPath);
  const status = new StatusBar();
  const log = vscode.window.createOutputChannel('BitNet', { log: true });
  context.subscriptions.push(status, log, { dispose: () => void client.dispose() });
  // The local engine or a server, as the settings say; the features use whichever answers.
  const backend = chooseBackend(context, client, (line) => log.info(line));
  const completer = registerInlineCompletion(context, backend);
  registerChat(context, backend);

  let modelPath: string | undefined;
  const loadModel = () => {
    const { threads, contextSizes, idleUnloadMs } = readSettings();
    client.setModel(modelPath, { threads, contextSizes, idleUnloadMs });
  };

  const showInlineState = () => {
    const document = vscode.window.activeTextEditor?.document;
    status.update({ inlineEnabled: readInlineSettings(document).enabled, languageId: document?.languageId });
  };

  context.subscriptions.push(
    backend.onDidChangeStatus((s) => {
      const last = backend.lastStats('completion');
      // The tooltip names what answers: the model file, or the server's URL.
      const where = s.state === 'ready' || s.state === 'loading' ? { modelPath: s.path } : {};
      status.update({ ...engineState(s), ...where, lastLatencyMs: completer.lastLatencyMs, tokensPerSecond: last?.tokensPerSecond });
    }),
    vscode.commands.registerCommand('bitnet.showStats', () => showStats(backend)),
    vscode.commands.registerCommand('bitnet.statusMenu', () => showStatusMenu(backend.status)),
    vscode.commands.registerCommand('bitnet.toggleInlineForLanguage', toggleInlineForLanguage),
    vscode.commands.registerCommand('bitnet.toggleInline', async () => {
      const enabled = await toggleInline();
      vscode.window.setStatusBarMessage(`BitNet inline completion ${enabled ? 'on' : 'off'}`, 3000);
    }),
    vscode.window.onDidChangeActiveTextEditor(showInlineState),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bitnet.inline')) showInlineState();
      if (['threads', 'contextSize', 'idleUnloadMinutes'].some((key) => e.affectsConfiguration(`bitnet.${key}`))) loadModel();
    }),
  );
  showInlineState();

  // The model manager finds (or offers to download) the model file and says when it changes.
  registerModelCommands(context, (path) => {
    modelPath = path;
    completer.reset();
    loadModel();
    // Load it now rather than on the first keystroke, which would otherwise wait seconds and see nothing.
    if (readInlineSettings().enabled && backend.kind === 'local') client.preload();
    status.update({ modelPath: path, ...engineState(backend.status) });
  });
}

export function deactivate(): void {}

function engineState(s: EngineStatus): Pick<StatusInput, 'engine' | 'errorMessage'> {
  return s.state === 'error' ? { engine: 'error', errorMessage: s.message } : { engine: s.state, errorMessage: undefined };
}
