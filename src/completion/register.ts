// Wires inline completion into VS Code.
import * as vscode from 'vscode';
import { InlineCompleter, type CompleterSettings } from './completer';
import type { CompletionGenerator } from './generation';
import { InlineProvider } from './provider';

function completerSettings(): CompleterSettings {
  const c = vscode.workspace.getConfiguration('bitnet');
  return {
    maxTokens: c.get<number>('inline.maxTokens', 64),
    promptTokens: c.get<number>('inline.promptTokens', 1024),
    timeBudgetMs: c.get<number>('inline.timeBudgetMs', 1500),
  };
}

export function registerInlineCompletion(context: vscode.ExtensionContext, engine: CompletionGenerator): InlineCompleter {
  const completer = new InlineCompleter(engine, completerSettings);
  context.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, new InlineProvider(completer)),
  );
  return completer;
}
