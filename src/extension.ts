// The composition root: builds the parts and wires them to VS Code.
import * as vscode from 'vscode';
import { EngineClient } from './engine/client';
import { showStats } from './commands/show-stats';
import { registerModelCommands } from './commands/model-commands';
import { toggleInline } from './settings';
import { StatusBar } from './status';
import { registerChat } from './chat/register';

export function activate(context: vscode.ExtensionContext): void {
  const client = new EngineClient(context.extensionPath);
  const status = new StatusBar();
  context.subscriptions.push(status, { dispose: () => void client.dispose() });
  registerChat(context, client);

  context.subscriptions.push(
    vscode.commands.registerCommand('bitnet.showStats', () => showStats(client)),
    vscode.commands.registerCommand('bitnet.toggleInline', async () => {
      const enabled = await toggleInline();
      vscode.window.setStatusBarMessage(`BitNet inline completion ${enabled ? 'on' : 'off'}`, 3000);
    }),
  );

  // The model manager finds (or offers to download) the model file and says when it changes.
  registerModelCommands(context, (modelPath) => {
    if (!modelPath) status.show({ kind: 'error', message: 'No BitNet model yet: run "BitNet: Download model" or "BitNet: Use a local model file…".' });
  });

  // Start the engine in the background: activation never waits on it.
  client
    .request('hello', {})
    .then((hello) => status.show({ kind: 'idle', detail: `BitNet engine ready on ${hello.platform}` }))
    .catch((err: Error) => {
      status.show({ kind: 'error', message: err.message });
      void vscode.window.showErrorMessage(`BitNet: ${err.message}`);
    });
}

export function deactivate(): void {}
