// The composition root: builds the parts and wires them to VS Code.
import * as vscode from 'vscode';
import { EngineClient } from './engine/client';
import { showStats } from './commands/show-stats';
import { showStatusMenu, toggleInlineForLanguage } from './commands/status-menu';
import { registerModelCommands } from './commands/model-commands';
import { toggleInline } from './settings';
import { StatusBar } from './status';

export function activate(context: vscode.ExtensionContext): void {
  const client = new EngineClient(context.extensionPath);
  const status = new StatusBar();
  context.subscriptions.push(status, { dispose: () => void client.dispose() });

  context.subscriptions.push(
    vscode.commands.registerCommand('bitnet.showStats', () => showStats(client)),
    vscode.commands.registerCommand('bitnet.statusMenu', showStatusMenu),
    vscode.commands.registerCommand('bitnet.toggleInlineForLanguage', toggleInlineForLanguage),
    vscode.commands.registerCommand('bitnet.toggleInline', async () => {
      const enabled = await toggleInline();
      vscode.window.setStatusBarMessage(`BitNet inline completion ${enabled ? 'on' : 'off'}`, 3000);
    }),
  );

  // The model manager finds (or offers to download) the model file and says when it changes.
  registerModelCommands(context, (modelPath) => {
    if (!modelPath) status.update({ engine: 'error', errorMessage: 'No BitNet model yet: run "BitNet: Download model" or "BitNet: Use a local model file…".' });
  });

  // Start the engine in the background: activation never waits on it.
  client
    .request('hello', {})
    .then(() => status.update({ engine: 'ready' }))
    .catch((err: Error) => {
      status.update({ engine: 'error', errorMessage: err.message });
      void vscode.window.showErrorMessage(`BitNet: ${err.message}`);
    });
}

export function deactivate(): void {}
