// Wires the chat view, its session, its token counter and "Explain
// selection" into VS Code.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatSession } from './chat-session';
import { CHAT_VIEW_ID, ChatViewProvider } from './chat-view';
import type { ChatEngine } from './engine-port';
import type { CodeSelection } from './explain-prompt';
import { planInsert } from './insert-placement';
import { ChatTokenSource, type ServerCount } from './chat-token-source';
import { LocalTokenizer } from './local-tokenizer';
import { codeSelection, explainSelection } from '../commands/explain-selection';
import { MAX_TITLE_CHARS } from './messages';
import { readSettings } from '../settings';

export interface Chat {
  session: ChatSession;
  /** The model file changed (undefined: none); the chat counts tokens with its vocabulary. */
  setModelPath(path: string | undefined): void;
}

/** `serverCount` counts with a server's tokenizer while one answers and no model file is set here. */
export function registerChat(context: vscode.ExtensionContext, engine: ChatEngine, serverCount: ServerCount = () => undefined): Chat {
  const tokens = new LocalTokenizer(path.join(context.extensionPath, 'dist', 'token-count.js'));
  const settings = () => {
    const s = readSettings();
    return { maxTokens: s.chatMaxTokens, temperature: s.temperature, contextTokens: s.contextSizes.chat };
  };
  const session = new ChatSession({
    engine,
    tokens: new ChatTokenSource(tokens, serverCount),
    // Per workspace: conversations about this project stay with it.
    store: context.workspaceState,
    settings,
    actions: {
      insertCode,
      copyCode: (code) => vscode.env.clipboard.writeText(code),
      runCommand: (command) => vscode.commands.executeCommand(command),
      askTitle,
      editorContext,
    },
  });
  const provider = new ChatViewProvider(context.extensionUri, session, () => settings().contextTokens);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    vscode.commands.registerCommand('bitnet.explainSelection', () => explainSelection(session, () => provider.reveal())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bitnet.contextSize.chat') || e.affectsConfiguration('bitnet.chat.maxTokens')) session.settingsChanged();
    }),
    { dispose: () => session.dispose() },
    { dispose: () => tokens.dispose() },
  );
  return {
    session,
    setModelPath(modelPath) {
      if (modelPath === tokens.modelPath) return;
      tokens.setModel(modelPath);
      session.modelChanged();
    },
  };
}

/** The editor the user last worked in (a sidebar webview keeps it active). */
function lastEditor(): vscode.TextEditor | undefined {
  return vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
}

/** Puts code on lines of its own at the cursor (or in place of the selection), indented to fit. */
async function insertCode(code: string): Promise<void> {
  const editor = lastEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('BitNet: open a file to insert the code into.');
    return;
  }
  const target = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  const { document, selection, options } = target;
  const lines = Array.from({ length: document.lineCount }, (_, i) => document.lineAt(i).text);
  const indentUnit = options.insertSpaces === false ? '\t' : ' '.repeat(Number(options.tabSize) || 4);
  const plan = planInsert(code, {
    lines,
    start: selection.start,
    end: selection.end,
    indentUnit,
    eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
  });
  const range = new vscode.Range(plan.start.line, plan.start.character, plan.end.line, plan.end.character);
  // A plain edit: the model's text is never a snippet.
  if (!(await target.edit((edit) => edit.replace(range, plan.text)))) return;
  const cursor = new vscode.Position(plan.cursor.line, plan.cursor.character);
  target.selection = new vscode.Selection(cursor, cursor);
  target.revealRange(new vscode.Range(cursor, cursor));
}

async function askTitle(current: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Rename chat',
    prompt: 'A name for this conversation',
    value: current,
    validateInput: (value) => (value.trim() === '' ? 'Give the chat a name.' : value.length > MAX_TITLE_CHARS ? `At most ${MAX_TITLE_CHARS} characters.` : undefined),
  });
}

/** The selection of the last editor, or its whole file when nothing is selected. */
function editorContext(): CodeSelection | undefined {
  const editor = lastEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('BitNet: open a file, or select code in one, to attach it to your message.');
    return undefined;
  }
  const selected = codeSelection(editor);
  if (selected) return selected;
  const { document } = editor;
  if (document.getText().trim() === '') {
    void vscode.window.showInformationMessage('BitNet: the file is empty; there is nothing to attach.');
    return undefined;
  }
  const code = document.getText().replace(/(\r?\n)+$/, '');
  return {
    code,
    languageId: document.languageId,
    fileName: vscode.workspace.asRelativePath(document.uri, false),
    startLine: 1,
    endLine: code.split('\n').length,
    wholeFile: true,
  };
}
