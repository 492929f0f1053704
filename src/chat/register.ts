// Wires the chat view, its session and "Explain selection" into VS Code.
import * as vscode from 'vscode';
import { ChatSession } from './chat-session';
import { CHAT_VIEW_ID, ChatViewProvider } from './chat-view';
import type { ChatEngine } from './engine-port';
import { explainSelection } from '../commands/explain-selection';
import { readSettings } from '../settings';

export function registerChat(context: vscode.ExtensionContext, engine: ChatEngine): ChatSession {
  const session = new ChatSession({
    engine,
    // Per workspace: a conversation about this project stays with it.
    store: context.workspaceState,
    settings: () => {
      const s = readSettings();
      return { maxTokens: s.chatMaxTokens, temperature: s.temperature };
    },
    actions: {
      insertCode,
      copyCode: (code) => vscode.env.clipboard.writeText(code),
      runCommand: (command) => vscode.commands.executeCommand(command),
    },
  });
  const provider = new ChatViewProvider(context.extensionUri, session);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    vscode.commands.registerCommand('bitnet.explainSelection', () => explainSelection(session, () => provider.reveal())),
    { dispose: () => session.dispose() },
  );
  return session;
}

/** Inserts code at the cursor(s) of the last active editor, as plain text. */
async function insertCode(code: string): Promise<void> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) {
    void vscode.window.showInformationMessage('BitNet: open a file to insert the code into.');
    return;
  }
  // appendText escapes $, } and \ so the model's text is never a snippet.
  const snippet = new vscode.SnippetString().appendText(code.replace(/\n$/, ''));
  const target = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  await target.insertSnippet(snippet, target.selections);
}
