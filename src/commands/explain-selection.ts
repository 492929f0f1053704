// "BitNet: Explain selection": sends the selected code, language-tagged with
// its file name and line range, to the chat view and streams the explanation.
import * as vscode from 'vscode';
import type { ChatSession } from '../chat/chat-session';
import { DEFAULT_EXPLAIN_PROMPT, type CodeSelection } from '../chat/explain-prompt';
import { readSettings } from '../settings';

/** The selection as the chat needs it, or undefined when nothing is selected. */
export function codeSelection(editor: vscode.TextEditor): CodeSelection | undefined {
  const { selection, document } = editor;
  if (selection.isEmpty) return undefined;
  // A selection ending at the start of a line does not include that line.
  const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
  const code = document.getText(selection).replace(/(\r?\n)+$/, '');
  if (code.trim() === '') return undefined;
  return {
    code,
    languageId: document.languageId,
    fileName: vscode.workspace.asRelativePath(document.uri, false),
    startLine: selection.start.line + 1,
    endLine: endLine + 1,
  };
}

export function explainInstruction(): string {
  const text = readSettings().explainPrompt;
  return text.trim() || DEFAULT_EXPLAIN_PROMPT;
}

export async function explainSelection(session: ChatSession, reveal: () => Promise<void>): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const selection = editor && codeSelection(editor);
  if (!selection) {
    void vscode.window.showInformationMessage('BitNet: select some code to explain first.');
    return;
  }
  await reveal();
  await session.explain(selection, explainInstruction());
}
