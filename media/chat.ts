// The chat webview's script. It draws what the extension host tells it and
// forwards what the user does; the conversations live on the host side.
// Every message from the host is validated (src/chat/messages.ts) before use,
// and Markdown is sanitized by media/render-markdown.ts before it touches
// the DOM.
//
// The view keeps a copy of what it shows in its webview state, which VS Code
// restores with the page: after a window reload the conversation is drawn
// from it at once, before the extension host has even started.
import {
  parseHostMessage,
  parseSnapshot,
  type AttachmentView,
  type EngineView,
  type Entry,
  type History,
  type HostToView,
  type Meter,
  type Snapshot,
  type ViewToHost,
} from '../src/chat/messages';
import { createRenderer } from './render-markdown';
import { Announcer } from './announcer';
import { MODEL_SIZE_TEXT } from '../src/model/model-size';

interface VsCodeApi {
  postMessage(message: ViewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What the view saves in its webview state. */
interface ViewState {
  draft?: string;
  snapshot?: Snapshot;
}

/** How long "Copied" shows on a Copy button. */
const COPIED_MS = 1500;
/** Webview state is saved at most this often while a reply streams. */
const STATE_SAVE_MS = 400;

const vscode = acquireVsCodeApi();
const renderer = createRenderer(window);

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`chat view: #${id} is missing`);
  return el as T;
}

const ui = {
  messages: byId<HTMLElement>('messages'),
  emptyState: byId<HTMLElement>('empty-state'),
  input: byId<HTMLTextAreaElement>('input'),
  send: byId<HTMLButtonElement>('send'),
  stop: byId<HTMLButtonElement>('stop'),
  attach: byId<HTMLButtonElement>('attach'),
  attachments: byId<HTMLUListElement>('attachments'),
  newChat: byId<HTMLButtonElement>('new-chat'),
  historyToggle: byId<HTMLButtonElement>('history-toggle'),
  history: byId<HTMLElement>('history'),
  historyEmpty: byId<HTMLElement>('history-empty'),
  conversationList: byId<HTMLUListElement>('conversation-list'),
  composer: byId<HTMLFormElement>('composer'),
  banner: byId<HTMLElement>('engine-banner'),
  bannerText: byId<HTMLElement>('engine-text'),
  bannerActions: byId<HTMLElement>('engine-actions'),
  download: byId<HTMLButtonElement>('download-model'),
  useLocal: byId<HTMLButtonElement>('use-local-model'),
  meter: byId<HTMLElement>('context-meter'),
  meterBar: byId<HTMLMeterElement>('context-meter-bar'),
  meterLabel: byId<HTMLElement>('context-meter-label'),
  announcer: new Announcer(byId<HTMLElement>('announcer')),
};

// What is on screen, kept so it can be saved and restored.
let generating = false;
let engine: EngineView = { kind: 'loading', detail: '' };
let meter: Meter = { used: 0, total: Number(ui.meterBar.max) || 1, instructions: 0, reserve: 0, counted: false };
let history: History = { conversations: [], activeId: '' };
const entries = new Map<string, Entry>();
let attached: AttachmentView[] = [];

const elements = new Map<string, HTMLElement>();
const pending = new Map<string, Entry>();
let frame = 0;
let stateTimer = 0;

function post(message: ViewToHost): void {
  vscode.postMessage(message);
}

// ---- saved state -----------------------------------------------------------

function savedState(): ViewState {
  const state = vscode.getState() as ViewState | undefined;
  return state && typeof state === 'object' ? state : {};
}

function saveState(): void {
  stateTimer = 0;
  const snapshot: Snapshot = { entries: [...entries.values()], generating: false, engine, meter, history };
  vscode.setState({ draft: ui.input.value, snapshot } satisfies ViewState);
}

/** Saves soon, once for many changes (streaming sends many). */
function queueSaveState(): void {
  if (!stateTimer) stateTimer = window.setTimeout(saveState, STATE_SAVE_MS);
}

// ---- drawing -------------------------------------------------------------

function entryElement(entry: Entry): HTMLElement {
  let el = elements.get(entry.id);
  if (!el) {
    el = document.createElement('div');
    el.dataset.id = entry.id;
    elements.set(entry.id, el);
    ui.messages.append(el);
  }
  return el;
}

function drawEntry(entry: Entry): void {
  const el = entryElement(entry);
  if (entry.kind === 'note') {
    el.className = 'note';
    el.setAttribute('role', 'note');
    el.textContent = entry.text;
    return;
  }
  el.className = `message ${entry.kind}`;
  el.classList.toggle('dropped', entry.dropped);
  el.setAttribute('role', 'article');
  el.setAttribute('aria-label', entry.kind === 'user' ? 'You' : 'BitNet');
  // The author label ("You" / "BitNet") is CSS generated content, so a
  // turn's text is exactly what was said.
  const body = document.createElement('div');
  body.className = 'message-body';
  body.append(renderer.fragment(entry.text));
  el.replaceChildren(body);
  if (entry.kind === 'assistant') {
    el.classList.toggle('streaming', entry.status === 'streaming');
    el.setAttribute('aria-busy', String(entry.status === 'streaming'));
    if (entry.status === 'stopped' || entry.status === 'failed') {
      const status = document.createElement('div');
      status.className = 'message-status';
      status.textContent = entry.status === 'stopped' ? 'Stopped.' : 'The reply failed.';
      el.append(status);
    }
  }
}

/** One note after the last turn the model can no longer see. */
function drawHistoryNote(): void {
  document.getElementById('history-note')?.remove();
  const dropped = Array.from(ui.messages.querySelectorAll('.message.dropped'));
  const last = dropped[dropped.length - 1];
  if (!last) return;
  const note = document.createElement('div');
  note.id = 'history-note';
  note.className = 'note history-note';
  note.setAttribute('role', 'note');
  const what = dropped.length === 1 ? 'message' : `${dropped.length} messages`;
  note.textContent = `The ${what} above no longer fit in the chat's ${meter.total.toLocaleString('en-US')}-token context and were left out of the conversation.`;
  last.after(note);
}

/** The examples and hints show only while the conversation is empty. */
function drawEmptyState(): void {
  ui.emptyState.hidden = entries.size > 0;
}

function nearBottom(): boolean {
  const m = ui.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 40;
}

/** Streamed updates are drawn once per frame, not once per token. */
function queueEntry(entry: Entry): void {
  entries.set(entry.id, entry);
  pending.set(entry.id, entry);
  if (!frame) frame = requestAnimationFrame(flushEntries);
  queueSaveState();
}

function flushEntries(): void {
  frame = 0;
  drawEmptyState();
  const stick = nearBottom();
  for (const entry of pending.values()) {
    drawEntry(entry);
    if (entry.kind === 'assistant') ui.announcer.update(entry.id, entry.text, entry.status !== 'streaming');
  }
  pending.clear();
  if (stick) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function drawEntries(list: readonly Entry[]): void {
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  pending.clear();
  elements.clear();
  entries.clear();
  ui.messages.replaceChildren();
  for (const entry of list) {
    entries.set(entry.id, entry);
    drawEntry(entry);
    // Restored history is not read out again.
    if (entry.kind === 'assistant') ui.announcer.skip(entry.id, entry.text);
  }
  drawEmptyState();
  drawHistoryNote();
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function drawGenerating(value: boolean): void {
  generating = value;
  ui.stop.hidden = !value;
  ui.stop.disabled = !value;
  ui.send.disabled = value;
  ui.messages.setAttribute('aria-busy', String(value));
  // Stop keeps the focus useful: back to the input once the reply ends.
  if (!value && document.activeElement === ui.stop) ui.input.focus();
}

const ENGINE_TEXT: Record<EngineView['kind'], string> = {
  ready: '',
  missing: `BitNet needs its model file (${MODEL_SIZE_TEXT}) before it can chat. Download it, or choose a GGUF file you already have.`,
  loading: 'Loading the BitNet model…',
  error: 'The BitNet engine is not available.',
};

/** A model is set; while it loads, messages wait for it, so the input stays live. */
function usable(view: EngineView): boolean {
  return view.kind === 'ready' || view.kind === 'loading';
}

function drawEngine(view: EngineView): void {
  engine = view;
  ui.banner.hidden = view.kind === 'ready';
  ui.bannerActions.hidden = usable(view);
  ui.composer.hidden = !usable(view);
  ui.input.disabled = !usable(view);
  let text = ENGINE_TEXT[view.kind];
  if (view.kind === 'error') text = `${text} ${view.message}`;
  if (view.kind === 'loading' && view.detail) text = `${text} (${view.detail})`;
  ui.bannerText.textContent = text;
}

function drawMeter(next: Meter): void {
  meter = next;
  ui.meterBar.max = next.total;
  ui.meterBar.value = next.used;
  // Past this the oldest messages start to be left out.
  ui.meterBar.high = Math.max(1, next.total - next.reserve - next.instructions);
  ui.meterBar.optimum = 0;
  ui.meterLabel.textContent = `${next.counted ? next.used : '–'} / ${next.total} tokens`;
  // Right after a reload the saved count shows before the instructions are counted again.
  const instructions = next.instructions > 0 ? `BitNet's instructions take ${next.instructions} more, and ` : '';
  ui.meter.title = next.counted
    ? `The conversation uses ${next.used} of the chat's ${next.total} tokens. ${instructions}` +
      `${next.reserve} are kept free for the reply; when the conversation no longer fits, its oldest messages are left out.`
    : `The chat holds ${next.total} tokens. They are counted once a model file is set.`;
  drawHistoryNote();
}

/** "14:05" today, "3 Mar" this year, "3 Mar 2023" before. */
function when(ms: number): string {
  const date = new Date(ms);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString([], { day: 'numeric', month: 'short', ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
}

function smallButton(className: string, text: string, label: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `${className} secondary`;
  b.textContent = text;
  b.title = label;
  b.setAttribute('aria-label', label);
  return b;
}

function drawHistory(next: History): void {
  history = next;
  ui.historyEmpty.hidden = next.conversations.length > 0;
  ui.conversationList.replaceChildren(
    ...next.conversations.map((c) => {
      const item = document.createElement('li');
      item.className = 'conversation';
      item.dataset.id = c.id;
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'conversation-open';
      if (c.id === next.activeId) open.setAttribute('aria-current', 'true');
      const title = document.createElement('span');
      title.className = 'conversation-title';
      title.textContent = c.title;
      const date = document.createElement('span');
      date.className = 'conversation-date';
      date.textContent = when(c.updatedAt);
      open.append(title, date);
      open.title = `Open “${c.title}”`;
      item.append(open, smallButton('conversation-rename', 'Rename', `Rename “${c.title}”`), smallButton('conversation-delete', 'Delete', `Delete “${c.title}”`));
      return item;
    }),
  );
}

function showHistory(show: boolean): void {
  ui.history.hidden = !show;
  ui.historyToggle.setAttribute('aria-expanded', String(show));
}

function drawAttachments(): void {
  ui.attachments.hidden = attached.length === 0;
  ui.attachments.replaceChildren(
    ...attached.map((a) => {
      const item = document.createElement('li');
      item.className = 'attachment';
      item.dataset.id = a.id;
      const label = document.createElement('span');
      label.className = 'attachment-label';
      label.textContent = a.label;
      const tokens = document.createElement('span');
      tokens.className = 'attachment-tokens';
      tokens.textContent = `${a.tokens} tokens`;
      item.title = a.note ?? `${a.label}, ${a.tokens} tokens, goes with your next message`;
      item.append(label, tokens, smallButton('attachment-remove', '×', `Remove ${a.label}`));
      return item;
    }),
  );
}

function drawSnapshot(snapshot: Snapshot): void {
  drawEngine(snapshot.engine);
  drawMeter(snapshot.meter);
  drawHistory(snapshot.history);
  drawEntries(snapshot.entries);
  drawGenerating(snapshot.generating);
}

function receive(message: HostToView): void {
  switch (message.type) {
    case 'snapshot':
      drawSnapshot(message);
      break;
    case 'entry':
      queueEntry(message.entry);
      return;
    case 'generating':
      // The reply's last words are on screen before the input comes back.
      if (!message.generating && frame) {
        cancelAnimationFrame(frame);
        flushEntries();
      }
      drawGenerating(message.generating);
      return;
    case 'engine':
      drawEngine(message.engine);
      break;
    case 'meter':
      drawMeter(message.meter);
      break;
    case 'history':
      drawHistory(message.history);
      break;
    case 'attachment':
      attached = [...attached, message.attachment];
      drawAttachments();
      ui.announcer.say(`Attached ${message.attachment.label}, ${message.attachment.tokens} tokens.`);
      return;
  }
  queueSaveState();
}

// ---- input ---------------------------------------------------------------

function sendText(text: string): void {
  if (generating || !usable(engine) || text.trim() === '') return;
  post({ type: 'send', text, attachments: attached.map((a) => a.id) });
  attached = [];
  drawAttachments();
}

function sendInput(): void {
  if (generating || !usable(engine) || ui.input.value.trim() === '') return;
  sendText(ui.input.value);
  ui.input.value = '';
  queueSaveState();
}

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  sendInput();
});

ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendInput();
  }
});

ui.input.addEventListener('input', queueSaveState);

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (generating) {
    event.preventDefault();
    post({ type: 'stop' });
  } else if (!ui.history.hidden) {
    showHistory(false);
    ui.historyToggle.focus();
  }
});

ui.stop.addEventListener('click', () => post({ type: 'stop' }));
ui.newChat.addEventListener('click', () => {
  post({ type: 'newChat' });
  showHistory(false);
  ui.announcer.say('New chat started.');
  if (!ui.input.disabled) ui.input.focus();
});
ui.historyToggle.addEventListener('click', () => showHistory(ui.history.hidden));
ui.attach.addEventListener('click', () => post({ type: 'attach' }));
ui.download.addEventListener('click', () => post({ type: 'runCommand', command: 'bitnet.downloadModel' }));
ui.useLocal.addEventListener('click', () => post({ type: 'runCommand', command: 'bitnet.useLocalModel' }));

ui.attachments.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('button.attachment-remove');
  const id = button?.closest<HTMLElement>('.attachment')?.dataset.id;
  if (!id) return;
  attached = attached.filter((a) => a.id !== id);
  drawAttachments();
  ui.input.focus();
});

ui.conversationList.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('button');
  const id = button?.closest<HTMLElement>('.conversation')?.dataset.id;
  if (!button || !id) return;
  if (button.classList.contains('conversation-open')) {
    post({ type: 'openConversation', id });
    showHistory(false);
  } else if (button.classList.contains('conversation-rename')) {
    post({ type: 'renameConversation', id });
  } else if (button.classList.contains('conversation-delete')) {
    post({ type: 'deleteConversation', id });
  }
});

ui.emptyState.addEventListener('click', (event) => {
  const prompt = (event.target as HTMLElement).closest<HTMLElement>('button.example')?.dataset.prompt;
  if (!prompt) return;
  // Without a model (or during a reply) the example waits in the input.
  if (usable(engine) && !generating) sendText(prompt);
  else ui.input.value = prompt;
});

/** Shows "Copied" on a Copy button for a moment. */
function showCopied(button: HTMLButtonElement): void {
  const label = button.textContent;
  button.textContent = 'Copied';
  button.classList.add('copied');
  window.setTimeout(() => {
    button.textContent = label === 'Copied' ? 'Copy' : label;
    button.classList.remove('copied');
  }, COPIED_MS);
}

// Copy / Insert buttons live inside re-rendered Markdown: one delegated listener.
ui.messages.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const button = target.closest('button');
  const code = button?.closest('.code-block')?.querySelector('pre > code')?.textContent;
  if (!button || code === undefined || code === null) return;
  if (button.classList.contains('copy-code')) {
    post({ type: 'copyCode', code });
    showCopied(button);
    ui.announcer.say('Code copied.');
  } else if (button.classList.contains('insert-code')) {
    post({ type: 'insertCode', code });
  }
});

// When the view is focused (its Focus command, Shift+Alt+B), the cursor goes to the input.
window.addEventListener('focus', () => {
  if ((document.activeElement === document.body || document.activeElement === null) && !ui.composer.hidden && !ui.input.disabled) ui.input.focus();
});

// A hidden view's page is unloaded: keep what is on screen.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') saveState();
});
window.addEventListener('pagehide', saveState);

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (message) receive(message);
});

// Before the host answers (it may not have started yet), draw what was shown last time.
const saved = savedState();
const restored = parseSnapshot(saved.snapshot);
// A reply that was streaming then is not streaming now; the host will say how it ended.
const settled = (e: Entry): Entry => (e.kind === 'assistant' && e.status === 'streaming' ? { ...e, status: 'stopped' } : e);
if (restored) drawSnapshot({ ...restored, entries: restored.entries.map(settled), generating: false });
else {
  drawMeter(meter);
  drawEmptyState();
}
if (typeof saved.draft === 'string') ui.input.value = saved.draft;
drawGenerating(false);
post({ type: 'ready' });
