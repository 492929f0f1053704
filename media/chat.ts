// The chat webview's script. It only draws what the extension host tells it
// and forwards what the user does; the conversation lives on the host side.
// Every message from the host is validated (src/chat/messages.ts) before use,
// and Markdown is sanitized by media/render-markdown.ts before it touches
// the DOM.
import { parseHostMessage, type Entry, type EngineView, type HostToView, type Meter, type ViewToHost } from '../src/chat/messages';
import { createRenderer } from './render-markdown';
import { Announcer } from './announcer';
import { MODEL_SIZE_TEXT } from '../src/model/model-size';

interface VsCodeApi {
  postMessage(message: ViewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const renderer = createRenderer(window);

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`chat view: #${id} is missing`);
  return el as T;
}

const ui = {
  messages: byId<HTMLElement>('messages'),
  input: byId<HTMLTextAreaElement>('input'),
  send: byId<HTMLButtonElement>('send'),
  stop: byId<HTMLButtonElement>('stop'),
  newChat: byId<HTMLButtonElement>('new-chat'),
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

let generating = false;
let engine: EngineView = { kind: 'loading', detail: '' };
const elements = new Map<string, HTMLElement>();
const pending = new Map<string, Entry>();
let frame = 0;

function post(message: ViewToHost): void {
  vscode.postMessage(message);
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
  note.textContent = `The ${dropped.length === 1 ? 'message' : `${dropped.length} messages`} above no longer fit in the model's 4,096-token context and were left out of the conversation.`;
  last.after(note);
}

function nearBottom(): boolean {
  const m = ui.messages;
  return m.scrollHeight - m.scrollTop - m.clientHeight < 40;
}

/** Streamed updates are drawn once per frame, not once per token. */
function queueEntry(entry: Entry): void {
  pending.set(entry.id, entry);
  if (!frame) frame = requestAnimationFrame(flushEntries);
}

function flushEntries(): void {
  frame = 0;
  const stick = nearBottom();
  for (const entry of pending.values()) {
    drawEntry(entry);
    if (entry.kind === 'assistant') ui.announcer.update(entry.id, entry.text, entry.status !== 'streaming');
  }
  pending.clear();
  if (stick) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function drawSnapshot(entries: Entry[]): void {
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  pending.clear();
  elements.clear();
  ui.messages.replaceChildren();
  for (const entry of entries) {
    drawEntry(entry);
    // Restored history is not read out again.
    if (entry.kind === 'assistant') ui.announcer.skip(entry.id, entry.text);
  }
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

function drawMeter(meter: Meter): void {
  ui.meterBar.max = meter.total;
  ui.meterBar.value = meter.used;
  ui.meterBar.high = Math.floor(meter.total * 0.75);
  ui.meterBar.optimum = 0;
  ui.meterLabel.textContent = `${meter.used} / ${meter.total} tokens`;
  ui.meter.title = `${meter.used} of the model's ${meter.total}-token context used`;
}

function receive(message: HostToView): void {
  switch (message.type) {
    case 'snapshot':
      drawEngine(message.engine);
      drawMeter(message.meter);
      drawSnapshot(message.entries);
      drawGenerating(message.generating);
      return;
    case 'entry':
      queueEntry(message.entry);
      return;
    case 'generating':
      drawGenerating(message.generating);
      return;
    case 'engine':
      drawEngine(message.engine);
      return;
    case 'meter':
      drawMeter(message.meter);
      return;
  }
}

// ---- input ---------------------------------------------------------------

function sendInput(): void {
  const text = ui.input.value;
  if (generating || !usable(engine) || text.trim() === '') return;
  post({ type: 'send', text });
  ui.input.value = '';
  vscode.setState({ draft: '' });
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

ui.input.addEventListener('input', () => vscode.setState({ draft: ui.input.value }));

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && generating) {
    event.preventDefault();
    post({ type: 'stop' });
  }
});

ui.stop.addEventListener('click', () => post({ type: 'stop' }));
ui.newChat.addEventListener('click', () => {
  post({ type: 'newChat' });
  ui.announcer.say('New chat started.');
  if (!ui.input.disabled) ui.input.focus();
});
ui.download.addEventListener('click', () => post({ type: 'runCommand', command: 'bitnet.downloadModel' }));
ui.useLocal.addEventListener('click', () => post({ type: 'runCommand', command: 'bitnet.useLocalModel' }));

// Copy / Insert buttons live inside re-rendered Markdown: one delegated listener.
ui.messages.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const button = target.closest('button');
  const code = button?.closest('.code-block')?.querySelector('pre > code')?.textContent;
  if (!button || code === undefined || code === null) return;
  if (button.classList.contains('copy-code')) {
    post({ type: 'copyCode', code });
    ui.announcer.say('Code copied.');
  } else if (button.classList.contains('insert-code')) {
    post({ type: 'insertCode', code });
  }
});

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (message) receive(message);
});

const saved = vscode.getState() as { draft?: unknown } | undefined;
if (typeof saved?.draft === 'string') ui.input.value = saved.draft;
drawGenerating(false);
post({ type: 'ready' });
