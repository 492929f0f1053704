// Wires WarmUpPolicy to VS Code: editor switches, cursor moves, typing and
// window focus in; prompt reading at the cursor, or a stop, out. The same
// skip rules as completion apply, so no secret file is ever read ahead.
import * as vscode from 'vscode';
import type { InlineCompleter } from './completer';
import { skipReasonFor, snapshot } from './provider';
import { WarmUpPolicy, type Place } from './warm-up-policy';

export function registerWarmUp(completer: InlineCompleter, stop: () => void): vscode.Disposable {
  const policy = new WarmUpPolicy({
    warm: () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || skipReasonFor(editor.document)) return;
      completer.warm(snapshot(editor.document, editor.selection.active));
    },
    stop,
  });
  const place = (editor: vscode.TextEditor | undefined): Place | undefined =>
    editor && { path: editor.document.uri.toString(), line: editor.selection.active.line };
  const start = place(vscode.window.activeTextEditor);
  if (start && vscode.window.state.focused) policy.editorActivated(start);
  return vscode.Disposable.from(
    { dispose: () => policy.dispose() },
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      const at = place(editor);
      if (at) policy.editorActivated(at);
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor !== vscode.window.activeTextEditor) return;
      // Typing moves the cursor too; those changes carry no kind (the document change tells).
      if (e.kind !== undefined) policy.cursorMoved(place(e.textEditor)!);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document === e.document && e.contentChanges.length > 0) policy.typed(place(editor)!);
    }),
    vscode.window.onDidChangeWindowState((state) => policy.focusChanged(state.focused, place(vscode.window.activeTextEditor))),
  );
}
