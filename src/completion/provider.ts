// The VS Code adapter: turns an editor keystroke into a DocumentSnapshot,
// asks the InlineCompleter, and hands VS Code the ghost text. Accepting
// (Tab, or word/line with VS Code's own commands) is VS Code's job.
import * as vscode from 'vscode';
import { readInlineSettings } from '../settings';
import type { InlineCompleter } from './completer';
import { skipReason, type SkipReason } from './skip-rules';
import type { DocumentSnapshot } from './snapshot';

export class InlineProvider implements vscode.InlineCompletionItemProvider {
  constructor(private readonly completer: InlineCompleter) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    const skip = skipReasonFor(document);
    if (skip) {
      this.completer.reportSkip(explicit, skip);
      return undefined;
    }
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const result = await this.completer.complete(snapshot(document, position), { explicit, signal: controller.signal });
      if (!result || token.isCancellationRequested) return undefined;
      // An insertion at the cursor, also for a body inside `{|}`: VS Code draws
      // the rest of the cursor's line after the last line of a multi-line
      // suggestion, and the body ends with the line break that leaves that
      // closer a line of its own (closer-on-own-line.ts). Replacing the closer
      // instead would rely on VS Code's diffing to show ghost text at all.
      return [new vscode.InlineCompletionItem(result.text, new vscode.Range(position, position))];
    } finally {
      subscription.dispose();
    }
  }
}

/** Why inline completion must not read this document now, if it must not. */
export function skipReasonFor(document: vscode.TextDocument): SkipReason | undefined {
  const settings = readInlineSettings(document);
  const editor = vscode.window.activeTextEditor;
  const selections = editor?.document === document ? editor.selections : [];
  return skipReason({
    selectionCount: selections.length,
    hasSelection: selections.some((s) => !s.isEmpty),
    uriScheme: document.uri.scheme,
    fileName: document.fileName,
    languageId: document.languageId,
    documentLength: document.getText().length,
    enabled: settings.enabled,
    sensitivePatterns: settings.sensitiveFiles,
    maxFileSize: settings.maxFileSize,
  });
}

export function snapshot(document: vscode.TextDocument, position: vscode.Position): DocumentSnapshot {
  const text = document.getText();
  const offset = document.offsetAt(position);
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const tabSize = typeof editor?.options.tabSize === 'number' ? editor.options.tabSize : 4;
  const insertSpaces = typeof editor?.options.insertSpaces === 'boolean' ? editor.options.insertSpaces : true;
  return {
    path: vscode.workspace.asRelativePath(document.uri, false),
    languageId: document.languageId,
    prefix: text.slice(0, offset),
    suffix: text.slice(offset),
    tabSize,
    insertSpaces,
  };
}
