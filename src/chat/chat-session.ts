// The chat's view-model on the extension host: owns the conversations, runs
// one generation at a time, keeps the context meter, and tells the webview
// what changed. It knows nothing of VS Code: the view adapter hands it a
// StateStore, the engine, a token counter and the few host actions it may take.
//
// Every button works in every state: nothing the user does waits for the
// engine except the reply itself, and Stop gives the input back at once.
import { Conversation, newId } from './conversation';
import { ConversationHistory, type StateStore } from './conversation-history';
import {
  conversationTokens,
  fitToContext,
  instructionTokens,
  replyReserve,
  tokensAtMost,
  TokenCounter,
  MESSAGE_OVERHEAD_TOKENS,
} from './context-budget';
import type { ChatEngine, EngineStatus, TokenSource } from './engine-port';
import { buildExplainTurn, fitSelection, formatCodeContext, formatExplainTurn, formatTurnWithContext, type CodeSelection } from './explain-prompt';
import { parseViewMessage, type AttachmentView, type EngineView, type HostToView, type Meter, type Snapshot, type ViewCommand } from './messages';
import { unlessAborted, untilAborted } from './until-aborted';

export const SYSTEM_PROMPT =
  'You are BitNet, a helpful coding assistant running locally inside VS Code. ' +
  'Answer clearly and concisely. Use Markdown, and put code in fenced code blocks with a language tag.';

export interface ChatSettings {
  maxTokens: number;
  temperature: number;
  /** `bitnet.contextSize.chat`: the chat's context, in tokens. */
  contextTokens: number;
}

/** What the webview may ask the host to do besides chatting. */
export interface HostActions {
  insertCode(code: string): unknown;
  copyCode(code: string): unknown;
  runCommand(command: ViewCommand): unknown;
  /** Asks for a conversation's new title; undefined when the user cancels. */
  askTitle(current: string): PromiseLike<string | undefined>;
  /** The active editor's selection, or its whole file; undefined (having said why) when there is none. */
  editorContext(): CodeSelection | undefined;
}

export interface ChatSessionOptions {
  engine: ChatEngine;
  tokens: TokenSource;
  store: StateStore;
  settings: () => ChatSettings;
  actions: HostActions;
  /** Delay before saving while a reply streams (ms). */
  saveDelayMs?: number;
  now?: () => number;
}

export const EMPTY_REPLY_NOTE = 'BitNet ended its reply without writing anything. Ask again, or put the question differently.';

export const MODEL_NOT_READY_NOTE = 'The model is not loaded yet, so BitNet cannot answer. Download it or choose a local model file.';

/** Most attachments waiting for the next message. */
const MAX_PENDING_ATTACHMENTS = 8;

/** More characters than any token holds on average, so text cut at budget × this still overfills the budget. */
const MAX_CHARS_PER_TOKEN = 16;

export function engineView(status: EngineStatus): EngineView {
  switch (status.state) {
    case 'no-model':
      return { kind: 'missing' };
    case 'loading':
      return { kind: 'loading', detail: status.path };
    case 'error':
      // A worker restart is not a missing model: keep the conversation usable.
      return status.restarting ? { kind: 'loading', detail: status.message } : { kind: 'error', message: status.message };
    case 'ready':
    case 'unloaded':
    case 'reading':
    case 'generating':
      return { kind: 'ready' };
  }
}

interface Attachment {
  selection: CodeSelection;
  view: AttachmentView;
}

export class ChatSession {
  private readonly history: ConversationHistory;
  private conversation: Conversation;
  private counter: TokenCounter;
  private view: { post: (message: HostToView) => void; ready: boolean } | undefined;
  private abort: AbortController | undefined;
  /** The reply being generated; settles as soon as it has stopped. */
  private running: Promise<void> | undefined;
  private meter: Meter;
  /** Only the newest measurement may reach the view. */
  private meterSeq = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The open conversation has changes not yet saved. */
  private unsaved = false;
  private readonly attachments = new Map<string, Attachment>();
  private readonly statusListener: { dispose(): void };
  private shownEngine: EngineView | undefined;
  private shownHistory = '';

  constructor(private readonly options: ChatSessionOptions) {
    this.history = ConversationHistory.load(options.store, options.now);
    this.conversation = this.history.openActive();
    this.counter = this.newCounter();
    this.meter = this.uncountedMeter();
    // Inline completion flips the status between ready and generating all
    // the time; the view only hears about changes it would show.
    this.statusListener = options.engine.onDidChangeStatus((status) => {
      const view = engineView(status);
      if (JSON.stringify(view) !== JSON.stringify(this.shownEngine)) this.emit({ type: 'engine', engine: view });
    });
  }

  get generating(): boolean {
    return this.running !== undefined;
  }

  get activeId(): string {
    return this.history.activeId;
  }

  entries() {
    return this.conversation.all();
  }

  /** Connects a webview; it receives messages once it says it is ready. */
  attachView(post: (message: HostToView) => void): { dispose(): void } {
    const view = { post, ready: false };
    this.view = view;
    return {
      dispose: () => {
        if (this.view === view) this.view = undefined;
      },
    };
  }

  /** Handles a raw message from the webview; invalid ones are ignored. */
  async handleMessage(raw: unknown): Promise<void> {
    const message = parseViewMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        if (this.view) this.view.ready = true;
        this.emit(this.snapshot());
        return this.refreshMeter();
      case 'send':
        return this.send(message.text, undefined, message.attachments);
      case 'stop':
        return this.stop();
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        return this.openConversation(message.id);
      case 'renameConversation':
        return this.renameConversation(message.id);
      case 'deleteConversation':
        return this.deleteConversation(message.id);
      case 'attach':
        return this.attach();
      case 'insertCode':
        await this.options.actions.insertCode(message.code);
        return;
      case 'copyCode':
        await this.options.actions.copyCode(message.code);
        return;
      case 'runCommand':
        await this.options.actions.runCommand(message.command);
        return;
    }
  }

  snapshot(): { type: 'snapshot' } & Snapshot {
    return {
      type: 'snapshot',
      entries: [...this.conversation.all()],
      generating: this.generating,
      engine: engineView(this.options.engine.status),
      meter: this.meter,
      history: this.history.view(),
    };
  }

  /**
   * Sends a user turn (with any attached code) and streams the reply.
   * Ignored while a reply streams. Settles once the reply has ended and the
   * conversation is saved and measured.
   */
  async send(text: string, note?: string, attachmentIds: readonly string[] = []): Promise<void> {
    if (this.running || text.trim() === '') return;
    const attached = attachmentIds.map((id) => this.attachments.get(id)?.selection).filter((s): s is CodeSelection => s !== undefined);
    for (const id of attachmentIds) this.attachments.delete(id);
    const turnText = attached.length > 0 ? formatTurnWithContext(text, attached) : text;
    const abort = new AbortController();
    this.abort = abort;
    const running = this.reply(turnText, note, abort.signal)
      .catch((err: Error) => this.addNote(`The reply failed: ${err.message}`))
      .finally(() => {
        // The input comes back the moment the reply has stopped: saving and
        // measuring happen after, and never hold the user up.
        this.abort = undefined;
        this.running = undefined;
        this.emit({ type: 'generating', generating: false });
      });
    this.running = running;
    this.emit({ type: 'generating', generating: true });
    await running;
    await this.flushSave();
    await this.refreshMeter();
  }

  /** Stops the reply being generated; what arrived so far stays. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }

  /** Opens a new, empty conversation; the current one stays in the history. */
  async newChat(): Promise<void> {
    await this.stop();
    if (!this.conversation.isEmpty) {
      void this.flushSave();
      this.conversation = this.history.startNew();
    }
    this.show();
  }

  async openConversation(id: string): Promise<void> {
    if (id === this.history.activeId) return;
    await this.stop();
    void this.flushSave();
    const conversation = this.history.open(id);
    if (!conversation) return;
    this.conversation = conversation;
    this.show();
  }

  async renameConversation(id: string): Promise<void> {
    const current = this.history.titleOf(id);
    if (current === undefined) return;
    const title = await this.options.actions.askTitle(current);
    if (title !== undefined && this.history.rename(id, title)) this.emitHistory();
  }

  /** Forgets a conversation; deleting the open one opens a new, empty one. */
  async deleteConversation(id: string): Promise<void> {
    const wasOpen = id === this.history.activeId;
    if (wasOpen) {
      await this.stop();
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.unsaved = false;
    }
    if (!this.history.delete(id)) return;
    if (!wasOpen) return this.emitHistory();
    this.conversation = new Conversation();
    this.show();
  }

  /** Attaches the editor's selection (or its file) to the next message, cut to fit the context. */
  async attach(): Promise<void> {
    const selection = this.options.actions.editorContext();
    if (!selection) return;
    try {
      const { total, reserve } = this.limits();
      const instructions = await instructionTokens(SYSTEM_PROMPT, this.counter);
      // One attachment may fill half the prompt, leaving room for the question and the history.
      const budget = Math.max(1, Math.floor((total - reserve - instructions) / 2));
      const what = selection.wholeFile ? 'file' : 'selection';
      // A huge file is cut before it is measured: counting all of it would take seconds.
      const head = headOf(selection, budget * MAX_CHARS_PER_TOKEN);
      const fitted = await fitSelection(head, async (s) => (await this.counter.tokens(formatCodeContext(s))) <= budget, what);
      const note = fitted.note ?? (head !== selection ? `The ${what} was trimmed to its first ${head.endLine - head.startLine + 1} lines to fit the model's context.` : undefined);
      const attached = note ? { ...fitted.selection, wholeFile: false } : fitted.selection;
      const tokens = await this.counter.message(formatCodeContext(attached));
      const view: AttachmentView = { id: newId(), label: attachmentLabel(attached), tokens, ...(note ? { note } : {}) };
      if (this.attachments.size >= MAX_PENDING_ATTACHMENTS) this.attachments.delete(this.attachments.keys().next().value as string);
      this.attachments.set(view.id, { selection: attached, view });
      this.emit({ type: 'attachment', attachment: view });
    } catch (err) {
      this.addNote(`BitNet could not attach the code: ${(err as Error).message}`);
    }
  }

  /** "Explain selection": the selection as a user turn, trimmed to fit. */
  async explain(selection: CodeSelection, instruction: string): Promise<void> {
    await this.stop();
    const whole = formatExplainTurn(instruction, selection);
    const { total, reserve } = this.limits();
    // Most selections surely fit: they need not wait for the tokenizer.
    if (!this.engineReady() || tokensAtMost([SYSTEM_PROMPT, whole]) <= total - reserve) return this.send(whole);
    let turn: { text: string; note?: string };
    try {
      const instructions = await instructionTokens(SYSTEM_PROMPT, this.counter);
      const budget = total - reserve - instructions - MESSAGE_OVERHEAD_TOKENS;
      turn = await buildExplainTurn(selection, instruction, budget, (t) => this.counter.tokens(t));
    } catch (err) {
      this.addNote(`BitNet could not read the selection's size: ${(err as Error).message}`);
      return;
    }
    return this.send(turn.text, turn.note);
  }

  /** The model file changed: counts made with the old vocabulary no longer hold. */
  modelChanged(): void {
    this.counter = this.newCounter();
    void this.refreshMeter();
  }

  /** A chat setting (context size, reply length) changed. */
  settingsChanged(): void {
    void this.refreshMeter();
  }

  dispose(): void {
    this.abort?.abort();
    this.statusListener.dispose();
    void this.flushSave();
  }

  /** The chat's context and the room kept for the reply, from the settings and the model. */
  private limits(): { total: number; reserve: number } {
    const settings = this.options.settings();
    const model = this.options.tokens.contextLength;
    const total = Math.max(1, model ? Math.min(settings.contextTokens, model) : settings.contextTokens);
    return { total, reserve: replyReserve(settings.maxTokens, total) };
  }

  /** A model is set: requests are served (while loading, once it has loaded). */
  private engineReady(): boolean {
    const kind = engineView(this.options.engine.status).kind;
    return kind === 'ready' || kind === 'loading';
  }

  private async reply(text: string, note: string | undefined, signal: AbortSignal): Promise<void> {
    const user = this.conversation.addUser(text);
    this.emit({ type: 'entry', entry: user });
    if (note) this.addNote(note);
    this.scheduleSave();
    if (!this.engineReady()) {
      this.addNote(MODEL_NOT_READY_NOTE);
      return;
    }

    // The reply's cursor shows at once, even while the model loads and the
    // prompt is measured.
    const conversation = this.conversation;
    const assistant = conversation.addAssistant();
    this.emit({ type: 'entry', entry: assistant });
    try {
      await this.stream(conversation, user.id, assistant.id, signal);
      const finished = conversation.finish(assistant.id, signal.aborted ? 'stopped' : 'done');
      this.emitEntry(finished);
      // A turn the model ends at once would otherwise show as an empty bubble.
      if (!signal.aborted && finished?.kind === 'assistant' && finished.text.trim() === '') this.addNote(EMPTY_REPLY_NOTE);
    } catch (err) {
      this.emitEntry(conversation.finish(assistant.id, signal.aborted ? 'stopped' : 'failed'));
      if (!signal.aborted) this.addNote(`The reply failed: ${(err as Error).message}`);
    }
    this.scheduleSave();
  }

  /** Fits the conversation into the context, then streams the reply into `assistantId`. */
  private async stream(conversation: Conversation, userId: string, assistantId: string, signal: AbortSignal): Promise<void> {
    const settings = this.options.settings();
    const { total, reserve } = this.limits();
    const history = conversation.liveTurns().filter((t) => t.id !== assistantId);
    const measured = await unlessAborted(
      Promise.all([fitToContext(SYSTEM_PROMPT, history.map(toBudgetTurn), total - reserve, this.counter), instructionTokens(SYSTEM_PROMPT, this.counter)]),
      signal,
    );
    if (!measured) return;
    const [fit, instructions] = measured;
    if (fit.droppedIds.length > 0) {
      conversation.markDropped(fit.droppedIds);
      this.scheduleSave();
      this.emit(this.snapshot());
    }
    if (fit.tooLong) {
      conversation.remove(assistantId);
      conversation.markDropped([userId]);
      this.scheduleSave();
      this.emit(this.snapshot());
      this.addNote(`This message is too long for the chat's ${total}-token context (about ${fit.promptTokens} tokens with the instructions). Shorten it and try again.`);
      return;
    }
    if (signal.aborted) return;

    const maxTokens = Math.max(1, Math.min(settings.maxTokens, total - fit.promptTokens));
    const said = fit.promptTokens - instructions;
    let chunks = 0;
    const reply = this.options.engine.chat(fit.messages, { maxTokens, temperature: settings.temperature }, signal);
    for await (const chunk of untilAborted(reply, signal)) {
      this.emitEntry(conversation.appendText(assistantId, chunk));
      // Each streamed chunk is about one token; the exact count comes afterwards.
      chunks++;
      this.setMeter({ ...this.meter, used: Math.min(said + chunks, total), total, reserve, instructions, counted: true });
      this.scheduleSave();
    }
  }

  /** The whole picture again (after switching conversations), then a fresh count. */
  private show(): void {
    this.meter = this.uncountedMeter();
    this.emit(this.snapshot());
    void this.refreshMeter();
  }

  private addNote(text: string): void {
    this.emit({ type: 'entry', entry: this.conversation.addNote(text) });
    this.scheduleSave();
  }

  private emitEntry(entry: ReturnType<Conversation['get']>): void {
    if (entry) this.emit({ type: 'entry', entry });
  }

  private emitHistory(): void {
    const history = this.history.view();
    const key = JSON.stringify(history);
    if (key === this.shownHistory) return;
    this.emit({ type: 'history', history });
  }

  private emit(message: HostToView): void {
    if (!this.view?.ready) return;
    if (message.type === 'engine' || message.type === 'snapshot') this.shownEngine = message.engine;
    if (message.type === 'history' || message.type === 'snapshot') this.shownHistory = JSON.stringify(message.history);
    this.view.post(message);
  }

  private setMeter(meter: Meter): void {
    this.meterSeq++;
    this.meter = meter;
    this.emit({ type: 'meter', meter });
  }

  private newCounter(): TokenCounter {
    const tokens = this.options.tokens;
    return new TokenCounter((text) => tokens.count(text));
  }

  /** What the meter shows before anything is counted: nothing for an empty chat, else the saved count, if any. */
  private uncountedMeter(): Meter {
    const { total, reserve } = this.limits();
    const saved = this.conversation.isEmpty ? 0 : this.history.tokensOf(this.history.activeId);
    return { used: saved ?? 0, total, reserve, instructions: 0, counted: saved !== undefined };
  }

  /** Recounts what the conversation occupies with the local tokenizer; never waits on the engine. */
  private async refreshMeter(): Promise<void> {
    if (!this.view?.ready) return;
    const seq = ++this.meterSeq;
    const counter = this.counter;
    const id = this.history.activeId;
    const conversation = this.conversation;
    const { total, reserve } = this.limits();
    let meter: Meter;
    try {
      const [used, instructions] = await Promise.all([
        conversationTokens(conversation.liveTurns().map(toBudgetTurn), counter),
        instructionTokens(SYSTEM_PROMPT, counter),
      ]);
      // The model's context length is known once the counter has read its file.
      meter = { used, ...this.limits(), instructions, counted: true };
      this.history.setTokens(id, used);
    } catch {
      // No tokenizer (no model file yet): the meter says it has not counted.
      meter = this.uncountedMeter();
    }
    if (seq !== this.meterSeq || this.generating || conversation !== this.conversation) return;
    this.setMeter(meter);
  }

  /** The open conversation changed: save it soon. */
  private scheduleSave(): void {
    this.unsaved = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, this.options.saveDelayMs ?? 500);
  }

  /** Saves the open conversation now; the promise is for tests and shutdown, callers need not wait. */
  private flushSave(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    return this.save();
  }

  /** Saves the open conversation if it changed (saving moves it to the top of History). */
  private async save(): Promise<void> {
    if (!this.unsaved) return;
    this.unsaved = false;
    const written = this.history.save(this.history.activeId, this.conversation);
    this.emitHistory();
    // Saving is best effort: a failed write must not wedge the chat.
    await written.catch(() => undefined);
  }
}

function toBudgetTurn(turn: ReturnType<Conversation['liveTurns']>[number]) {
  return { id: turn.id, role: turn.kind, text: turn.text };
}

/** The selection's first lines holding at most `maxChars` characters (at least one line, cut if need be). */
function headOf(sel: CodeSelection, maxChars: number): CodeSelection {
  if (sel.code.length <= maxChars) return sel;
  const cut = sel.code.lastIndexOf('\n', maxChars);
  const code = cut > 0 ? sel.code.slice(0, cut) : sel.code.slice(0, maxChars);
  return { ...sel, code, endLine: sel.startLine + code.split('\n').length - 1, wholeFile: false };
}

/** "fib.py" for a whole file, "fib.py:3-9" for part of one. */
export function attachmentLabel(sel: CodeSelection): string {
  return sel.wholeFile ? sel.fileName : `${sel.fileName}:${sel.startLine === sel.endLine ? sel.startLine : `${sel.startLine}-${sel.endLine}`}`;
}
