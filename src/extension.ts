// The composition root: builds the parts and wires them to VS Code.
import * as vscode from 'vscode';
import { affectsBackend, readBackendSettings } from './backend/backend-settings';
import { chooseBackend } from './backend/choose-backend';
import { registerChat } from './chat/register';
import { registerModelCommands } from './commands/model-commands';
import { registerStats } from './commands/show-stats';
import { showStatusMenu, toggleInlineForLanguage } from './commands/status-menu';
import { formatReport } from './completion/completion-report';
import { patternProblems } from './completion/sensitive-files';
import { registerInlineCompletion } from './completion/register';
import { registerWarmUp } from './completion/warm-up';
import { EngineClient, type EngineStatus } from './engine/client/engine-client';
import { readInlineSettings, readSettings, toggleInline } from './settings';
import { StatusBar } from './status';
import { noteReport, type StatusInput } from './status-view';

export function activate(context: vscode.ExtensionContext): void {
  const client = new EngineClient(context.extensionPath);
  const status = new StatusBar();
  const log = vscode.window.createOutputChannel('BitNet', { log: true });
  context.subscriptions.push(status, log, { dispose: () => void client.dispose() });
  // The local engine or a server, as the settings say; the features use whichever answers.
  const backend = chooseBackend(context, client, (line) => log.info(line));
  const completer = registerInlineCompletion(context, backend);
  const chat = registerChat(context, backend, () => (backend.kind === 'server' ? (text) => backend.countTokens(text) : undefined));
  context.subscriptions.push(registerWarmUp(completer, () => backend.stopWarming()));

  // One log line per completion request; a run of identical skips is logged once.
  let lastSkip: string | undefined;
  context.subscriptions.push(
    completer.onReport((report) => {
      const skip = report.outcome === 'skipped' ? report.detail : undefined;
      if (report.outcome === 'failed') log.error(formatReport(report));
      else if (skip === undefined || skip !== lastSkip) log.info(formatReport(report));
      lastSkip = skip;
      status.update({ ...noteReport(status.current, report), prefillRate: backend.prefillRate });
    }),
  );

  let modelPath: string | undefined;
  // The model loads as soon as it is known, so the first keystroke or chat message does not wait
  // for it; with a server answering, only if the server cannot be reached and the local engine steps in.
  const loadModel = () => {
    const { threads, contextSizes, kvCache, idleUnloadMs } = readSettings();
    client.setModel(modelPath, { threads, contextSizes, kvCache, idleUnloadMs }, readBackendSettings().backend === 'local');
  };

  // A sensitive-file pattern that cannot be used is said once, in the log, not silently ignored.
  const checkPatterns = () => {
    for (const p of patternProblems(readInlineSettings().sensitiveFiles)) log.warn(`bitnet.inline.sensitiveFiles: "${p.pattern}" is ignored: ${p.reason}.`);
  };
  checkPatterns();

  const showInlineState = () => {
    const document = vscode.window.activeTextEditor?.document;
    status.update({ inlineEnabled: readInlineSettings(document).enabled, languageId: document?.languageId });
  };

  context.subscriptions.push(
    backend.onDidChangeStatus((s) => {
      if (s.state === 'error') log.error(`${backend.kind === 'server' ? 'Server' : 'Engine'}: ${s.message}`);
      // The tooltip names what answers: the model file, or the server's URL.
      const where = 'path' in s ? { modelPath: s.path } : {};
      status.update({ ...engineState(s), ...where, prefillRate: backend.prefillRate });
    }),
    registerStats(backend),
    vscode.commands.registerCommand('bitnet.showLog', () => log.show(true)),
    vscode.commands.registerCommand('bitnet.statusMenu', () => showStatusMenu(backend.status)),
    vscode.commands.registerCommand('bitnet.toggleInlineForLanguage', toggleInlineForLanguage),
    vscode.commands.registerCommand('bitnet.toggleInline', async () => {
      const enabled = await toggleInline();
      vscode.window.setStatusBarMessage(`BitNet inline completion ${enabled ? 'on' : 'off'}`, 3000);
    }),
    vscode.window.onDidChangeActiveTextEditor(showInlineState),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bitnet.inline')) showInlineState();
      if (e.affectsConfiguration('bitnet.inline.sensitiveFiles')) checkPatterns();
      if (['threads', 'contextSize', 'kvCache', 'idleUnloadMinutes', 'backend'].some((key) => e.affectsConfiguration(`bitnet.${key}`))) loadModel();
      // Counts may now come from another tokenizer (the server's, or the model file's).
      if (affectsBackend(e)) chat.session.modelChanged();
    }),
  );
  showInlineState();

  // The model manager finds (or offers to download) the model file and says when it changes.
  registerModelCommands(context, (path) => {
    modelPath = path;
    chat.setModelPath(path);
    completer.reset();
    loadModel();
    if (backend.kind === 'local') status.update({ modelPath: path, ...engineState(client.status) });
  });
}

export function deactivate(): void {}

function engineState(s: EngineStatus): Pick<StatusInput, 'engine' | 'errorMessage' | 'progress'> {
  if (s.state === 'error') return { engine: 'error', errorMessage: s.message };
  return { engine: s.state, errorMessage: undefined, progress: s.state === 'reading' ? s.progress : undefined };
}
