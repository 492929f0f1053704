// The message protocol between the chat webview and the extension host, typed
// once and validated on both sides. Plain TypeScript with no imports: the
// webview bundle (media/chat.ts) and the host (src/chat/) share this file.
//
// Both sides treat every incoming message as untrusted: a message is accepted
// only if it has a known `type` and every field has the expected type and a
// sane size; anything else is dropped (never executed). Accepted messages are
// rebuilt field by field, so unexpected extra properties never travel further.

/** Longest text a message may carry (characters): far above any real turn. */
export const MAX_TEXT_CHARS = 200_000;

/** Longest conversation title (characters). */
export const MAX_TITLE_CHARS = 200;

/** Most attachments one message may carry. */
export const MAX_ATTACHMENTS = 8;

/** The only commands the webview may ask the host to run. */
export const VIEW_COMMANDS = ['bitnet.downloadModel', 'bitnet.useLocalModel'] as const;
export type ViewCommand = (typeof VIEW_COMMANDS)[number];

export type AssistantStatus = 'streaming' | 'done' | 'stopped' | 'failed';

/** One item of the transcript. `dropped` turns no longer fit the context. */
export type Entry =
  | { kind: 'user'; id: string; text: string; dropped: boolean }
  | { kind: 'assistant'; id: string; text: string; status: AssistantStatus; dropped: boolean }
  | { kind: 'note'; id: string; text: string };

/** What the view shows about the engine instead of (or above) the input. */
export type EngineView =
  | { kind: 'ready' }
  | { kind: 'missing' }
  | { kind: 'loading'; detail: string }
  | { kind: 'error'; message: string };

/**
 * The context meter. `used` counts the conversation only (what was said);
 * BitNet's own instructions and the room kept for the reply are shown
 * separately, in the tooltip.
 */
export interface Meter {
  used: number;
  /** The chat's context size: `bitnet.contextSize.chat`, capped by the model. */
  total: number;
  /** Tokens of the system prompt and chat framing, sent with every message. */
  instructions: number;
  /** Tokens kept free for the reply. */
  reserve: number;
  /** False until a tokenizer could count (no model file set yet). */
  counted: boolean;
}

/** One saved conversation, as the history list shows it. */
export interface ConversationSummary {
  id: string;
  title: string;
  /** Last change, milliseconds since 1970. */
  updatedAt: number;
}

/** Code attached to the next message, as the composer shows it. */
export interface AttachmentView {
  id: string;
  /** "fib.py" or "fib.py:3-9". */
  label: string;
  tokens: number;
  /** Set when the code was cut to fit. */
  note?: string;
}

/** The conversation list and which one is open. */
export interface History {
  conversations: ConversationSummary[];
  activeId: string;
}

/** Everything the view draws; also what it keeps to redraw at once after a reload. */
export interface Snapshot {
  entries: Entry[];
  generating: boolean;
  engine: EngineView;
  meter: Meter;
  history: History;
}

export type HostToView =
  | ({ type: 'snapshot' } & Snapshot)
  | { type: 'entry'; entry: Entry }
  | { type: 'generating'; generating: boolean }
  | { type: 'engine'; engine: EngineView }
  | { type: 'meter'; meter: Meter }
  | { type: 'history'; history: History }
  | { type: 'attachment'; attachment: AttachmentView };

export type ViewToHost =
  | { type: 'ready' }
  | { type: 'send'; text: string; attachments: string[] }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'openConversation'; id: string }
  | { type: 'renameConversation'; id: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'attach' }
  | { type: 'insertCode'; code: string }
  | { type: 'copyCode'; code: string }
  | { type: 'runCommand'; command: ViewCommand };

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isText(x: unknown, max = MAX_TEXT_CHARS): x is string {
  return typeof x === 'string' && x.length <= max;
}

export function isId(x: unknown): x is string {
  return typeof x === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 10_000_000;
}

const ASSISTANT_STATUSES: readonly string[] = ['streaming', 'done', 'stopped', 'failed'];

export function parseEntry(x: unknown): Entry | undefined {
  if (!isObj(x) || !isId(x.id) || !isText(x.text)) return undefined;
  switch (x.kind) {
    case 'user':
      return typeof x.dropped === 'boolean' ? { kind: 'user', id: x.id, text: x.text, dropped: x.dropped } : undefined;
    case 'assistant':
      if (typeof x.dropped !== 'boolean' || typeof x.status !== 'string' || !ASSISTANT_STATUSES.includes(x.status)) {
        return undefined;
      }
      return { kind: 'assistant', id: x.id, text: x.text, status: x.status as AssistantStatus, dropped: x.dropped };
    case 'note':
      return { kind: 'note', id: x.id, text: x.text };
    default:
      return undefined;
  }
}

/** Every entry valid, or undefined: a half-valid transcript is not shown. */
export function parseEntries(x: unknown, max = 10_000): Entry[] | undefined {
  if (!Array.isArray(x) || x.length > max) return undefined;
  const entries: Entry[] = [];
  for (const item of x) {
    const entry = parseEntry(item);
    if (!entry) return undefined;
    entries.push(entry);
  }
  return entries;
}

function parseEngineView(x: unknown): EngineView | undefined {
  if (!isObj(x)) return undefined;
  switch (x.kind) {
    case 'ready':
      return { kind: 'ready' };
    case 'missing':
      return { kind: 'missing' };
    case 'loading':
      return isText(x.detail, 4096) ? { kind: 'loading', detail: x.detail } : undefined;
    case 'error':
      return isText(x.message, 4096) ? { kind: 'error', message: x.message } : undefined;
    default:
      return undefined;
  }
}

function parseMeter(x: unknown): Meter | undefined {
  if (!isObj(x) || !isCount(x.used) || !isCount(x.total) || x.total === 0) return undefined;
  if (!isCount(x.instructions) || !isCount(x.reserve) || typeof x.counted !== 'boolean') return undefined;
  return { used: x.used, total: x.total, instructions: x.instructions, reserve: x.reserve, counted: x.counted };
}

function parseSummary(x: unknown): ConversationSummary | undefined {
  const isTime = (t: unknown): t is number => typeof t === 'number' && Number.isSafeInteger(t) && t >= 0;
  if (!isObj(x) || !isId(x.id) || !isText(x.title, MAX_TITLE_CHARS) || !isTime(x.updatedAt)) return undefined;
  return { id: x.id, title: x.title, updatedAt: x.updatedAt };
}

export function parseHistory(x: unknown): History | undefined {
  if (!isObj(x) || !isId(x.activeId) || !Array.isArray(x.conversations) || x.conversations.length > 1000) return undefined;
  const conversations: ConversationSummary[] = [];
  for (const item of x.conversations) {
    const summary = parseSummary(item);
    if (!summary) return undefined;
    conversations.push(summary);
  }
  return { conversations, activeId: x.activeId };
}

function parseAttachment(x: unknown): AttachmentView | undefined {
  if (!isObj(x) || !isId(x.id) || !isText(x.label, 1024) || !isCount(x.tokens)) return undefined;
  if (x.note !== undefined && !isText(x.note, 1024)) return undefined;
  return { id: x.id, label: x.label, tokens: x.tokens, ...(x.note !== undefined ? { note: x.note as string } : {}) };
}

/** A whole snapshot, as the host sends it or the view saved it; undefined unless every part is valid. */
export function parseSnapshot(x: unknown): Snapshot | undefined {
  if (!isObj(x)) return undefined;
  const entries = parseEntries(x.entries);
  const engine = parseEngineView(x.engine);
  const meter = parseMeter(x.meter);
  const history = parseHistory(x.history);
  if (!entries || !engine || !meter || !history || typeof x.generating !== 'boolean') return undefined;
  return { entries, generating: x.generating, engine, meter, history };
}

function parseIds(x: unknown): string[] | undefined {
  if (x === undefined) return [];
  if (!Array.isArray(x) || x.length > MAX_ATTACHMENTS || !x.every(isId)) return undefined;
  return [...(x as string[])];
}

/** Validates a message from the webview (used by the host). */
export function parseViewMessage(x: unknown): ViewToHost | undefined {
  if (!isObj(x)) return undefined;
  switch (x.type) {
    case 'ready':
    case 'stop':
    case 'newChat':
    case 'attach':
      return { type: x.type };
    case 'send': {
      const attachments = parseIds(x.attachments);
      return isText(x.text) && x.text.trim() !== '' && attachments ? { type: 'send', text: x.text, attachments } : undefined;
    }
    case 'openConversation':
    case 'renameConversation':
    case 'deleteConversation':
      return isId(x.id) ? { type: x.type, id: x.id } : undefined;
    case 'insertCode':
    case 'copyCode':
      return isText(x.code) ? { type: x.type, code: x.code } : undefined;
    case 'runCommand':
      return typeof x.command === 'string' && (VIEW_COMMANDS as readonly string[]).includes(x.command)
        ? { type: 'runCommand', command: x.command as ViewCommand }
        : undefined;
    default:
      return undefined;
  }
}

/** Validates a message from the host (used by the webview). */
export function parseHostMessage(x: unknown): HostToView | undefined {
  if (!isObj(x)) return undefined;
  switch (x.type) {
    case 'snapshot': {
      const snapshot = parseSnapshot(x);
      return snapshot ? { type: 'snapshot', ...snapshot } : undefined;
    }
    case 'entry': {
      const entry = parseEntry(x.entry);
      return entry ? { type: 'entry', entry } : undefined;
    }
    case 'generating':
      return typeof x.generating === 'boolean' ? { type: 'generating', generating: x.generating } : undefined;
    case 'engine': {
      const engine = parseEngineView(x.engine);
      return engine ? { type: 'engine', engine } : undefined;
    }
    case 'meter': {
      const meter = parseMeter(x.meter);
      return meter ? { type: 'meter', meter } : undefined;
    }
    case 'history': {
      const history = parseHistory(x.history);
      return history ? { type: 'history', history } : undefined;
    }
    case 'attachment': {
      const attachment = parseAttachment(x.attachment);
      return attachment ? { type: 'attachment', attachment } : undefined;
    }
    default:
      return undefined;
  }
}
