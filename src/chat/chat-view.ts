// The sidebar webview view `bitnet.chat`: a thin VS Code shell around
// ChatSession. It builds the page under a strict CSP and passes messages
// through; the session validates and decides.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { ChatSession } from './chat-session';
import { chatPage } from './chat-page';

export const CHAT_VIEW_ID = 'bitnet.chat';

export class ChatViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly session: ChatSession) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const webview = view.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media'), vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')],
    };
    webview.html = chatHtml(webview, this.extensionUri);

    const attached = this.session.attachView((message) => void webview.postMessage(message));
    const received = webview.onDidReceiveMessage((raw: unknown) => {
      this.session.handleMessage(raw).catch((err: Error) => console.error(`BitNet chat: ${err.message}`));
    });
    view.onDidDispose(() => {
      attached.dispose();
      received.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  /** Opens the BitNet sidebar and focuses the chat. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return chatPage({
    nonce: randomBytes(18).toString('base64'),
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', 'chat.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css')).toString(),
  });
}
