// The message protocol between the chat webview and the extension host, typed
// once and validated on both sides. Plain TypeScript with no imports: the
// webview bundle (media/chat.ts) and the host (src/chat/) share this file.
//
// Both sides treat every incoming message as untrusted: a message is accepted
// only if it has a known `type` and every field has the expected type and a
// sane size; anything else is dropped (never executed). Accepted messages are
// rebuilt field by field, so unexpected extra properties never travel further.

/** The model's context window, in tokens. */
export const CONTEXT_TOKENS = 4096;

/** Longest text a message may carry (characters): far above any real turn. */
export const MAX_TEXT_CHARS = 200_000;

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

export interface Meter {
  used: number;
  total: number;
}

export type HostToView =
  | { type: 'snapshot'; entries: Entry[]; generating: boolean; engine: EngineView; meter: Meter }
  | { type: 'entry'; entry: Entry }
  | { type: 'generating'; generating: boolean }
  | { type: 'engine'; engine: EngineView }
  | { type: 'meter'; meter: Meter };

export type ViewToHost =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'newChat' }
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

function isId(x: unknown): x is string {
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
  return isObj(x) && isCount(x.used) && isCount(x.total) && x.total > 0 ? { used: x.used, total: x.total } : undefined;
}

/** Validates a message from the webview (used by the host). */
export function parseViewMessage(x: unknown): ViewToHost | undefined {
  if (!isObj(x)) return undefined;
  switch (x.type) {
    case 'ready':
    case 'stop':
    case 'newChat':
      return { type: x.type };
    case 'send':
      return isText(x.text) && x.text.trim() !== '' ? { type: 'send', text: x.text } : undefined;
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
      const entries = parseEntries(x.entries);
      const engine = parseEngineView(x.engine);
      const meter = parseMeter(x.meter);
      if (!entries || !engine || !meter || typeof x.generating !== 'boolean') return undefined;
      return { type: 'snapshot', entries, generating: x.generating, engine, meter };
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
    default:
      return undefined;
  }
}
