// Every conversation of a workspace, saved to a VS Code Memento
// (workspaceState) so they survive reloads: a small index (titles, dates,
// which one is open) under one key and each transcript under its own, so
// saving a streaming reply rewrites one conversation, not all of them.
// Past MAX_CONVERSATIONS the least recently used are forgotten.
import { Conversation, newId } from './conversation';
import { MAX_TITLE_CHARS, isId, parseEntries, type ConversationSummary, type History } from './messages';

/** The part of vscode.Memento this file needs. */
export interface StateStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const HISTORY_KEY = 'bitnet.chat.history';
/** Where version 1 kept its single conversation; read once, then removed. */
export const LEGACY_KEY = 'bitnet.chat.conversation';
const HISTORY_VERSION = 2;
const LEGACY_VERSION = 1;

/** Conversations kept per workspace. */
export const MAX_CONVERSATIONS = 50;

export function conversationKey(id: string): string {
  return `bitnet.chat.conversation.${id}`;
}

interface Item {
  id: string;
  /** Set when the user renamed it; otherwise the first question names it. */
  title?: string;
  autoTitle: string;
  updatedAt: number;
  /** The conversation's size when last counted, shown until it is counted again. */
  tokens?: number;
}

interface SavedIndex {
  version: number;
  activeId: string;
  items: Item[];
}

export class ConversationHistory {
  private items: Item[] = [];
  private active = newId();

  private constructor(private readonly store: StateStore, private readonly now: () => number) {}

  /** Reads the saved index (or the single conversation of version 1); anything unreadable starts afresh. */
  static load(store: StateStore, now: () => number = Date.now): ConversationHistory {
    const history = new ConversationHistory(store, now);
    const index = readIndex(store.get(HISTORY_KEY));
    if (index) {
      history.items = index.items;
      history.active = index.activeId;
    } else {
      history.adoptLegacy();
    }
    return history;
  }

  get activeId(): string {
    return this.active;
  }

  /** The open conversation's transcript (empty when it was never saved or cannot be read). */
  openActive(): Conversation {
    return this.read(this.active) ?? new Conversation();
  }

  /** Makes `id` the open conversation; undefined if there is no such conversation. */
  open(id: string): Conversation | undefined {
    if (!this.items.some((i) => i.id === id)) return undefined;
    const conversation = this.read(id) ?? new Conversation();
    this.active = id;
    void settled([this.writeIndex()]);
    return conversation;
  }

  /** A new, empty conversation becomes the open one; it joins the list once it has something in it. */
  startNew(): Conversation {
    this.active = newId();
    void settled([this.writeIndex()]);
    return new Conversation();
  }

  // Changes take effect at once; the returned promises only say when the store has them.

  /** Saves a conversation's transcript and moves it to the top of the list. */
  save(id: string, conversation: Conversation): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    if (conversation.isEmpty && !item) return Promise.resolve();
    const updated: Item = { ...item, id, autoTitle: conversation.title(), updatedAt: this.now() };
    this.items = [updated, ...this.items.filter((i) => i.id !== id)];
    const forgotten = this.trim();
    return settled([
      this.store.update(conversationKey(id), { entries: conversation.all() }),
      ...forgotten.map((i) => this.store.update(conversationKey(i.id), undefined)),
      this.writeIndex(),
    ]);
  }

  /** False when there is no such conversation or the title is blank. */
  rename(id: string, title: string): boolean {
    const item = this.items.find((i) => i.id === id);
    const clean = title.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_CHARS);
    if (!item || clean === '') return false;
    item.title = clean;
    void settled([this.writeIndex()]);
    return true;
  }

  /** Forgets a conversation; when it was the open one, a new empty one opens. */
  delete(id: string): boolean {
    if (!this.items.some((i) => i.id === id)) return false;
    this.items = this.items.filter((i) => i.id !== id);
    if (this.active === id) this.active = newId();
    void settled([this.store.update(conversationKey(id), undefined), this.writeIndex()]);
    return true;
  }

  tokensOf(id: string): number | undefined {
    return this.items.find((i) => i.id === id)?.tokens;
  }

  /** Remembers a conversation's size, so the meter is right at once after a reload. */
  setTokens(id: string, tokens: number): void {
    const item = this.items.find((i) => i.id === id);
    if (!item || item.tokens === tokens) return;
    item.tokens = tokens;
    void settled([this.writeIndex()]);
  }

  titleOf(id: string): string | undefined {
    const item = this.items.find((i) => i.id === id);
    return item && (item.title ?? item.autoTitle);
  }

  /** The list the view shows, newest first. */
  view(): History {
    const conversations: ConversationSummary[] = this.items.map((i) => ({ id: i.id, title: i.title ?? i.autoTitle, updatedAt: i.updatedAt }));
    return { conversations, activeId: this.active };
  }

  private read(id: string): Conversation | undefined {
    const saved = this.store.get(conversationKey(id)) as { entries?: unknown } | undefined;
    const entries = parseEntries(saved?.entries);
    return entries ? Conversation.restore(entries) : undefined;
  }

  /** Drops the least recently saved conversations past the cap (never the open one). */
  private trim(): Item[] {
    const forgotten: Item[] = [];
    for (let i = this.items.length - 1; i >= 0 && this.items.length > MAX_CONVERSATIONS; i--) {
      if (this.items[i].id !== this.active) forgotten.push(...this.items.splice(i, 1));
    }
    return forgotten;
  }

  private writeIndex(): PromiseLike<void> {
    const index: SavedIndex = { version: HISTORY_VERSION, activeId: this.active, items: this.items };
    return this.store.update(HISTORY_KEY, index);
  }

  /** Version 1 kept one conversation under LEGACY_KEY: it becomes the first of the list. */
  private adoptLegacy(): void {
    const saved = this.store.get(LEGACY_KEY) as { version?: unknown; entries?: unknown } | undefined;
    if (saved?.version !== LEGACY_VERSION) return;
    const entries = parseEntries(saved.entries);
    if (!entries || entries.length === 0) return;
    void this.save(this.active, Conversation.restore(entries)).then(() => settled([this.store.update(LEGACY_KEY, undefined)]));
  }
}

/** Waits for store writes; a failed write is not the caller's problem (saving is best effort). */
async function settled(writes: PromiseLike<void>[]): Promise<void> {
  await Promise.allSettled(writes);
}

function readIndex(x: unknown): SavedIndex | undefined {
  const index = x as Partial<SavedIndex> | undefined;
  if (!index || index.version !== HISTORY_VERSION || !isId(index.activeId) || !Array.isArray(index.items)) return undefined;
  const text = (t: unknown) => typeof t === 'string' && t.length <= MAX_TITLE_CHARS;
  const items = index.items.filter(
    (i): i is Item =>
      isId(i?.id) &&
      text(i.autoTitle) &&
      Number.isSafeInteger(i.updatedAt) &&
      i.updatedAt >= 0 &&
      (i.title === undefined || text(i.title)) &&
      (i.tokens === undefined || (Number.isSafeInteger(i.tokens) && i.tokens >= 0)),
  );
  return { version: HISTORY_VERSION, activeId: index.activeId, items };
}
