// The backend settings (`bitnet.backend`, `bitnet.server.*`) and the server
// API key. The key lives in VS Code's SecretStorage (the OS keychain), never
// in settings.json. The settings are application-scoped in package.json, so
// only the user sets them: a workspace's own settings cannot send your code
// to a server of its choosing (and, unlike machine scope, user settings
// still apply in a remote window or code-server).
import * as vscode from 'vscode';
import type { BackendKind } from './backend';
import type { ServerProtocol } from './server-stats';

export interface BackendSettings {
  backend: BackendKind;
  url: string;
  protocol: 'auto' | ServerProtocol;
  /** For OpenAI-compatible servers; '' takes the first model the server lists. */
  model: string;
  fallbackToLocal: boolean;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';
const API_KEY_SECRET = 'bitnet.server.apiKey';

export function readBackendSettings(): BackendSettings {
  const c = vscode.workspace.getConfiguration('bitnet');
  const protocol = c.get<string>('server.protocol', 'auto');
  return {
    backend: c.get<string>('backend', 'local') === 'server' ? 'server' : 'local',
    url: c.get<string>('server.url', DEFAULT_SERVER_URL) || DEFAULT_SERVER_URL,
    protocol: protocol === 'llama.cpp' || protocol === 'openai' ? protocol : 'auto',
    model: c.get<string>('server.model', ''),
    fallbackToLocal: c.get<boolean>('server.fallbackToLocal', false),
  };
}

export function affectsBackend(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('bitnet.backend') || e.affectsConfiguration('bitnet.server');
}

export async function readServerApiKey(context: vscode.ExtensionContext): Promise<string | undefined> {
  return (await context.secrets.get(API_KEY_SECRET)) || undefined;
}

/** "BitNet: Set server API key…": empty input removes the key. */
export async function setServerApiKey(context: vscode.ExtensionContext): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'BitNet: server API key',
    prompt: 'The key the BitNet server expects ("bitnet serve --api-key"), sent as "Authorization: Bearer …" to bitnet.server.url only. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim() === '') {
    await context.secrets.delete(API_KEY_SECRET);
    void vscode.window.showInformationMessage('BitNet: server API key removed.');
  } else {
    await context.secrets.store(API_KEY_SECRET, value.trim());
    void vscode.window.showInformationMessage('BitNet: server API key saved in the system keychain.');
  }
}

/** Fires when the stored key changes (this window or another). */
export function onDidChangeServerApiKey(context: vscode.ExtensionContext, listener: () => void): vscode.Disposable {
  return context.secrets.onDidChange((e) => e.key === API_KEY_SECRET && listener());
}
