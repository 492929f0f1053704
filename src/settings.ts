// The extension's settings, typed once. Only this file knows the keys.
import * as vscode from 'vscode';

export interface Settings {
  modelPath: string;
  threads: number;
  inlineEnabled: boolean;
  inlineDisabledLanguages: string[];
  inlineMaxTokens: number;
  chatMaxTokens: number;
  temperature: number;
  /** Hub or mirror to download the model from ("" = HF_ENDPOINT or huggingface.co). */
  downloadEndpoint: string;
  /** Expected SHA-256 of the download ("" = the pinned default, "none" = no check). */
  downloadSha256: string;
  /** KV cache sizes in tokens of the two engine sequences. */
  contextSizes: { completion: number; chat: number };
  idleUnloadMs: number;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('bitnet', scope);
  return {
    modelPath: c.get<string>('modelPath', ''),
    threads: c.get<number>('threads', 0),
    inlineEnabled: c.get<boolean>('inline.enabled', true),
    inlineDisabledLanguages: c.get<string[]>('inline.disabledLanguages', []),
    inlineMaxTokens: c.get<number>('inline.maxTokens', 64),
    chatMaxTokens: c.get<number>('chat.maxTokens', 1024),
    temperature: c.get<number>('temperature', 0.2),
    downloadEndpoint: c.get<string>('download.endpoint', ''),
    downloadSha256: c.get<string>('download.sha256', ''),
    contextSizes: { completion: c.get<number>('contextSize.completion', 2048), chat: c.get<number>('contextSize.chat', 4096) },
    idleUnloadMs: c.get<number>('idleUnloadMinutes', 15) * 60_000,
  };
}

export async function toggleInline(): Promise<boolean> {
  const c = vscode.workspace.getConfiguration('bitnet');
  const enabled = !c.get<boolean>('inline.enabled', true);
  await c.update('inline.enabled', enabled, vscode.ConfigurationTarget.Global);
  return enabled;
}
