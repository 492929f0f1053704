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
  };
}

export async function toggleInline(): Promise<boolean> {
  const c = vscode.workspace.getConfiguration('bitnet');
  const enabled = !c.get<boolean>('inline.enabled', true);
  await c.update('inline.enabled', enabled, vscode.ConfigurationTarget.Global);
  return enabled;
}
