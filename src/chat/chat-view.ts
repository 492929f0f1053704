// The sidebar webview view `bitnet.chat`: a thin VS Code shell around
// ChatSession. It builds the page under a strict CSP and passes messages
// through; the session validates and decides.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { ChatSession } from './chat-session';
import { chatPage } from './chat-page';

export const CHAT_VIEW_ID = 'bitnet.chat';

/** Longest wait for the page to load before a command goes on without it. */
const PAGE_LOAD_TIMEOUT_MS = 15_000;

export class ChatViewProvider implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  /** The page is loaded and listening (it said 'ready'); hiding the view unloads it. */
  private pageReady = false;
  private readonly readyWaiters: (() => void)[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: ChatSession,
    private readonly contextTokens: () => number,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const webview = view.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media'), vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')],
    };
    webview.html = chatHtml(webview, this.extensionUri, this.contextTokens());

    const attached = this.session.attachView((message) => void webview.postMessage(message));
    const received = webview.onDidReceiveMessage((raw: unknown) => {
      if ((raw as { type?: unknown } | null)?.type === 'ready') this.markReady(true);
      this.session.handleMessage(raw).catch((err: Error) => console.error(`BitNet chat: ${err.message}`));
    });
    const visibility = view.onDidChangeVisibility(() => {
      if (!view.visible) this.markReady(false);
    });
    view.onDidDispose(() => {
      attached.dispose();
      received.dispose();
      visibility.dispose();
      this.markReady(false);
      if (this.view === view) this.view = undefined;
    });
  }

  /**
   * Opens the BitNet sidebar, focuses the chat and waits until its page has
   * loaded, so that a reply started next is seen streaming, not appearing whole.
   */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    if (this.pageReady) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, PAGE_LOAD_TIMEOUT_MS);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private markReady(ready: boolean): void {
    this.pageReady = ready;
    if (ready) for (const wake of this.readyWaiters.splice(0)) wake();
  }
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, contextTokens: number): string {
  return chatPage({
    contextTokens,
    nonce: randomBytes(18).toString('base64'),
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', 'chat.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css')).toString(),
  });
}
