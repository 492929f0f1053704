// Wires the backend choice into the extension: the composition root calls
// `chooseBackend` once with its local EngineClient and passes the returned
// BackendSwitch to inline completion, chat, Explain, the status and the
// stats command instead of the client. The switch follows the settings and
// the stored API key as they change.
//
//   const backend = chooseBackend(context, client, (line) => log.appendLine(line));
//   registerInlineCompletion(context, backend); registerChat(context, backend); …
//   vscode.commands.registerCommand('bitnet.showStats', () => showStats(backend));  // formatBackendStats
import * as vscode from 'vscode';
import type { Backend } from './backend';
import { affectsBackend, onDidChangeServerApiKey, readBackendSettings, readServerApiKey, setServerApiKey } from './backend-settings';
import { BackendSwitch } from './backend-switch';
import { LocalFallback } from './local-fallback';
import { ServerClient } from './server-client';

export function chooseBackend(context: vscode.ExtensionContext, local: Backend, log: (line: string) => void): BackendSwitch {
  const backend = new BackendSwitch(local, 'local');
  let server: ServerClient | undefined;
  let fallback: LocalFallback | undefined;
  let generation = 0;

  const apply = async () => {
    const mine = ++generation;
    const settings = readBackendSettings();
    const apiKey = settings.backend === 'server' ? await readServerApiKey(context).catch((err: Error) => {
      log(`Backend: the server API key cannot be read (${err.message}); going on without one.`);
      return undefined;
    }) : undefined;
    if (mine !== generation) return; // a newer change won
    server?.dispose();
    fallback?.dispose();
    server = fallback = undefined;
    if (settings.backend === 'local') {
      backend.use(local, 'local');
      log('Backend: the local engine.');
      return;
    }
    server = new ServerClient({ url: settings.url, protocol: settings.protocol, model: settings.model || undefined, apiKey, log });
    fallback = settings.fallbackToLocal ? new LocalFallback(server, local, log) : undefined;
    backend.use(fallback ?? server, 'server');
    log(`Backend: ${server.describe()}${fallback ? ', the local engine while it is unreachable' : ''}.`);
    const connecting = server;
    await connecting.connect();
    if (connecting === server) log(`Backend: ${connecting.describe()} ${connecting.status.state === 'error' ? 'does not answer yet' : 'answers'}.`);
  };

  const applyAndLog = () => void apply().catch((err: Error) => log(`Backend: the backend settings could not be applied: ${err.message}`));

  context.subscriptions.push(
    backend,
    { dispose: () => server?.dispose() },
    vscode.commands.registerCommand('bitnet.setServerApiKey', () => setServerApiKey(context)),
    vscode.workspace.onDidChangeConfiguration((e) => affectsBackend(e) && applyAndLog()),
    onDidChangeServerApiKey(context, applyAndLog),
  );
  applyAndLog();
  return backend;
}
