// Wires inline completion into VS Code.
import * as vscode from 'vscode';
import { readInlineSettings } from '../settings';
import { InlineCompleter } from './completer';
import type { CompletionGenerator } from './inflight-completion';
import { InlineProvider } from './provider';

export function registerInlineCompletion(context: vscode.ExtensionContext, engine: CompletionGenerator): InlineCompleter {
  const completer = new InlineCompleter(engine, () => {
    const s = readInlineSettings(vscode.window.activeTextEditor?.document);
    return { maxTokens: s.maxTokens, promptTokens: s.promptTokens, timeBudgetMs: s.timeBudgetMs };
  });
  context.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, new InlineProvider(completer)),
  );
  return completer;
}
