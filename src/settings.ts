// The extension's settings, typed once: every `bitnet.*` key is read here.
import * as vscode from 'vscode';
import type { KvCache } from '../native';
import { DEFAULT_EXPLAIN_PROMPT } from './chat/explain-prompt';
import { DEFAULT_MODEL_CONFIG } from './engine/protocol';

export interface Settings {
  modelPath: string;
  threads: number;
  chatMaxTokens: number;
  temperature: number;
  explainPrompt: string;
  /** Hub or mirror to download the model from ("" = HF_ENDPOINT or huggingface.co). */
  downloadEndpoint: string;
  /** Expected SHA-256 of the download ("" = the pinned default, "none" = no check). */
  downloadSha256: string;
  /** KV cache sizes in tokens of the two engine sequences. */
  contextSizes: { completion: number; chat: number };
  /** How the KV caches are stored: 8-bit (half the memory) or F16 (exact). */
  kvCache: KvCache;
  idleUnloadMs: number;
}

export interface InlineSettings {
  enabled: boolean;
  maxTokens: number;
  promptTokens: number;
  timeBudgetMs: number;
  sensitiveFiles: string[];
  maxFileSize: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('bitnet');
  return {
    modelPath: c.get<string>('modelPath', ''),
    threads: c.get<number>('threads', 0),
    chatMaxTokens: c.get<number>('chat.maxTokens', 1024),
    temperature: c.get<number>('temperature', 0.2),
    explainPrompt: c.get<string>('explain.prompt', DEFAULT_EXPLAIN_PROMPT),
    downloadEndpoint: c.get<string>('download.endpoint', ''),
    downloadSha256: c.get<string>('download.sha256', ''),
    contextSizes: { completion: c.get<number>('contextSize.completion', 2048), chat: c.get<number>('contextSize.chat', 4096) },
    kvCache: c.get<KvCache>('kvCache', DEFAULT_MODEL_CONFIG.kvCache) === 'f16' ? 'f16' : 'i8',
    idleUnloadMs: c.get<number>('idleUnloadMinutes', 15) * 60_000,
  };
}

/** Inline settings for a document (or language): `inline.enabled` may differ per language. */
export function readInlineSettings(scope?: { languageId: string; uri?: vscode.Uri }): InlineSettings {
  const c = vscode.workspace.getConfiguration('bitnet', scope);
  return {
    enabled: c.get<boolean>('inline.enabled', true),
    maxTokens: c.get<number>('inline.maxTokens', 64),
    promptTokens: c.get<number>('inline.promptTokens', 1024),
    timeBudgetMs: c.get<number>('inline.timeBudgetMs', 1500),
    sensitiveFiles: c.get<string[]>('inline.sensitiveFiles', []),
    maxFileSize: c.get<number>('inline.maxFileSizeKB', 1024) * 1024,
  };
}

/**
 * Flips `bitnet.inline.enabled`, for one language when given. It writes to
 * the scope that holds the value now, so a workspace setting cannot silently
 * win over the user's click.
 */
export async function toggleInline(languageId?: string): Promise<boolean> {
  const c = vscode.workspace.getConfiguration('bitnet', languageId ? { languageId } : undefined);
  const enabled = !c.get<boolean>('inline.enabled', true);
  const info = c.inspect<boolean>('inline.enabled');
  const inWorkspace = languageId ? info?.workspaceLanguageValue !== undefined : info?.workspaceValue !== undefined;
  const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update('inline.enabled', enabled, target, languageId !== undefined);
  return enabled;
}
