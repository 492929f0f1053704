// The chat's view-model on the extension host: owns the conversation, runs
// one generation at a time, keeps the context meter, and tells the webview
// what changed. It knows nothing of VS Code: the view adapter hands it a
// StateStore, the engine, and the few host actions it may take.
import { Conversation, type StateStore } from './conversation';
import { fitToContext, replyReserve, TokenCounter, usedTokens, MESSAGE_OVERHEAD_TOKENS, PROMPT_OVERHEAD_TOKENS } from './context-budget';
import type { ChatEngine, EngineStatus } from './engine-port';
import { buildExplainTurn, formatExplainTurn, type CodeSelection } from './explain-prompt';
import { CONTEXT_TOKENS, parseViewMessage, type EngineView, type HostToView, type Meter, type ViewCommand } from './messages';

export const SYSTEM_PROMPT =
  'You are BitNet, a helpful coding assistant running locally inside VS Code. ' +
  'Answer clearly and concisely. Use Markdown, and put code in fenced code blocks with a language tag.';

export interface ChatSettings {
  maxTokens: number;
  temperature: number;
}

/** What the webview may ask the host to do besides chatting. */
export interface HostActions {
  insertCode(code: string): unknown;
  copyCode(code: string): unknown;
  runCommand(command: ViewCommand): unknown;
}

export interface ChatSessionOptions {
  engine: ChatEngine;
  store: StateStore;
  settings: () => ChatSettings;
  actions: HostActions;
  /** Delay before saving while a reply streams (ms). */
  saveDelayMs?: number;
}

export const MODEL_NOT_READY_NOTE = 'The model is not loaded yet, so BitNet cannot answer. Download it or choose a local model file.';

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

export class ChatSession {
  private readonly conversation: Conversation;
  private readonly counter: TokenCounter;
  private view: { post: (message: HostToView) => void; ready: boolean } | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private meter: Meter = { used: 0, total: CONTEXT_TOKENS };
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly statusListener: { dispose(): void };

  constructor(private readonly options: ChatSessionOptions) {
    this.conversation = Conversation.load(options.store);
    this.counter = new TokenCounter((text) => options.engine.countTokens(text));
    // Inline completion flips the status between ready and generating all
    // the time; the view only hears about changes it would show.
    this.statusListener = options.engine.onDidChangeStatus((status) => {
      const view = engineView(status);
      if (JSON.stringify(view) === JSON.stringify(this.shownEngine)) return;
      this.emit({ type: 'engine', engine: view });
      if (view.kind === 'ready' && !this.generating) void this.refreshMeter();
    });
  }

  private shownEngine: EngineView | undefined;

  get generating(): boolean {
    return this.running !== undefined;
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
        // Measured only once someone looks: counting tokens loads the model.
        return this.refreshMeter();
      case 'send':
        return this.send(message.text);
      case 'stop':
        return this.stop();
      case 'newChat':
        return this.newChat();
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

  snapshot(): HostToView {
    return {
      type: 'snapshot',
      entries: [...this.conversation.all()],
      generating: this.generating,
      engine: engineView(this.options.engine.status),
      meter: this.meter,
    };
  }

  /** Sends a user turn and streams the reply. Ignored while a reply streams. */
  send(text: string, note?: string): Promise<void> {
    if (this.running || text.trim() === '') return Promise.resolve();
    this.running = this.turn(text, note);
    return this.running;
  }

  /** One whole turn; `running` is cleared before its promise settles. */
  private async turn(text: string, note: string | undefined): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    this.emit({ type: 'generating', generating: true });
    try {
      await this.reply(text, note, abort.signal);
    } catch (err) {
      this.addNote(`The reply failed: ${(err as Error).message}`);
    } finally {
      this.abort = undefined;
      await this.flushSave();
      await this.refreshMeter();
      this.running = undefined;
      this.emit({ type: 'generating', generating: false });
    }
  }

  /** Stops the reply being generated; what arrived so far stays. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running?.catch(() => undefined);
  }

  async newChat(): Promise<void> {
    await this.stop();
    this.conversation.clear();
    await this.flushSave();
    await this.refreshMeter();
    this.emit(this.snapshot());
  }

  /** "Explain selection": the selection as a user turn, trimmed to fit. */
  async explain(selection: CodeSelection, instruction: string): Promise<void> {
    await this.stop();
    if (!this.engineReady()) return this.send(formatExplainTurn(instruction, selection));
    let budget: number;
    try {
      const system = await this.counter.message(SYSTEM_PROMPT);
      budget = CONTEXT_TOKENS - replyReserve(this.options.settings().maxTokens) - system - PROMPT_OVERHEAD_TOKENS - MESSAGE_OVERHEAD_TOKENS;
      const turn = await buildExplainTurn(selection, instruction, budget, (t) => this.counter.tokens(t));
      return this.send(turn.text, turn.note);
    } catch (err) {
      this.addNote(`BitNet could not read the selection's size: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    this.abort?.abort();
    this.statusListener.dispose();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    void this.conversation.save(this.options.store);
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
    const assistant = this.conversation.addAssistant();
    this.emit({ type: 'entry', entry: assistant });
    try {
      await this.stream(user.id, assistant.id, signal);
      this.emitEntry(this.conversation.finish(assistant.id, signal.aborted ? 'stopped' : 'done'));
    } catch (err) {
      this.emitEntry(this.conversation.finish(assistant.id, signal.aborted ? 'stopped' : 'failed'));
      if (!signal.aborted) this.addNote(`The reply failed: ${(err as Error).message}`);
    }
  }

  /** Fits the conversation into the context, then streams the reply into `assistantId`. */
  private async stream(userId: string, assistantId: string, signal: AbortSignal): Promise<void> {
    const settings = this.options.settings();
    const budget = CONTEXT_TOKENS - replyReserve(settings.maxTokens);
    const history = this.conversation.liveTurns().filter((t) => t.id !== assistantId);
    const fit = await fitToContext(SYSTEM_PROMPT, history.map(toBudgetTurn), budget, this.counter);
    if (fit.droppedIds.length > 0) {
      this.conversation.markDropped(fit.droppedIds);
      this.emit(this.snapshot());
    }
    if (fit.tooLong) {
      this.conversation.remove(assistantId);
      this.conversation.markDropped([userId]);
      this.emit(this.snapshot());
      this.addNote(`This message is too long for the model's ${CONTEXT_TOKENS}-token context (about ${fit.promptTokens} tokens with the instructions). Shorten it and try again.`);
      return;
    }
    if (signal.aborted) return;

    const maxTokens = Math.max(1, Math.min(settings.maxTokens, CONTEXT_TOKENS - fit.promptTokens));
    let chunks = 0;
    for await (const chunk of this.options.engine.chat(fit.messages, { maxTokens, temperature: settings.temperature }, signal)) {
      this.emitEntry(this.conversation.appendText(assistantId, chunk));
      // Each streamed chunk is about one token; the exact count comes afterwards.
      chunks++;
      this.setMeter(fit.promptTokens + chunks);
      this.scheduleSave();
      if (signal.aborted) break;
    }
  }

  private addNote(text: string): void {
    this.emit({ type: 'entry', entry: this.conversation.addNote(text) });
    this.scheduleSave();
  }

  private emitEntry(entry: ReturnType<Conversation['get']>): void {
    if (entry) this.emit({ type: 'entry', entry });
  }

  private emit(message: HostToView): void {
    if (!this.view?.ready) return;
    if (message.type === 'engine' || message.type === 'snapshot') this.shownEngine = message.engine;
    this.view.post(message);
  }

  private setMeter(used: number): void {
    this.meter = { used: Math.min(used, CONTEXT_TOKENS), total: CONTEXT_TOKENS };
    this.emit({ type: 'meter', meter: this.meter });
  }

  /** Recounts what the conversation occupies; keeps the last reading if the tokenizer is unavailable. */
  private async refreshMeter(): Promise<void> {
    if (!this.engineReady() || !this.view?.ready) return;
    try {
      this.setMeter(await usedTokens(SYSTEM_PROMPT, this.conversation.liveTurns().map(toBudgetTurn), this.counter));
    } catch {
      // No tokenizer (model unloaded mid-way): the meter keeps its last value.
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.conversation.save(this.options.store);
    }, this.options.saveDelayMs ?? 500);
  }

  private async flushSave(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    // Saving is best effort: a failed write must not wedge the chat.
    await Promise.resolve(this.conversation.save(this.options.store)).catch(() => undefined);
  }
}

function toBudgetTurn(turn: ReturnType<Conversation['liveTurns']>[number]) {
  return { id: turn.id, role: turn.kind, text: turn.text };
}
