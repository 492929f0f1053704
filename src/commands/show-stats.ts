// "BitNet: Show stats": what the engine runs on and how fast it was, in one
// read-only Markdown document (a virtual document, never an Untitled file to
// save). Running the command again refreshes that document in place.
import * as vscode from 'vscode';
import type { Backend } from '../backend/backend';
import { formatBackendStats } from '../backend/server-stats-report';

/** The document's scheme; `onFileSystem:bitnet-stats` activates the extension to restore it after a reload. */
export const STATS_SCHEME = 'bitnet-stats';
export const STATS_URI = vscode.Uri.from({ scheme: STATS_SCHEME, path: '/BitNet stats.md' });

class StatsDocument implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: Pick<Backend, 'stats' | 'status'>) {}

  async provideTextDocumentContent(): Promise<string> {
    let body: string;
    try {
      body = formatBackendStats(await this.client.stats(), this.client.status);
    } catch (err) {
      body = `# BitNet stats\n\nThe engine is not running: ${(err as Error).message}\n`;
    }
    return `${body}\n_As of ${new Date().toLocaleTimeString()}. Run **BitNet: Show stats** again to refresh._\n`;
  }

  refresh(): void {
    this.changed.fire(STATS_URI);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Registers the stats document and the command that shows (or refreshes) it. */
export function registerStats(client: Pick<Backend, 'stats' | 'status'>): vscode.Disposable {
  const document = new StatsDocument(client);
  return vscode.Disposable.from(
    document,
    vscode.workspace.registerTextDocumentContentProvider(STATS_SCHEME, document),
    vscode.commands.registerCommand('bitnet.showStats', async () => {
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === STATS_URI.toString())) document.refresh();
      const shown = await vscode.workspace.openTextDocument(STATS_URI);
      await vscode.window.showTextDocument(shown, { preview: false });
    }),
  );
}
