// The conversation as the extension host keeps it: an ordered transcript of
// user turns, assistant turns and notes, saved to a VS Code Memento
// (workspaceState) so it survives hiding the view and reloading the window.
import { randomUUID } from 'node:crypto';
import { parseEntries, type AssistantStatus, type Entry } from './messages';

/** The part of vscode.Memento this file needs. */
export interface StateStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const STORAGE_KEY = 'bitnet.chat.conversation';
const STORAGE_VERSION = 1;

/** Older entries beyond this are forgotten so the saved state stays small. */
export const MAX_SAVED_ENTRIES = 400;

type Turn = Extract<Entry, { kind: 'user' | 'assistant' }>;

export class Conversation {
  private entries: Entry[] = [];

  /** Reads a saved conversation; anything unreadable starts a fresh one. */
  static load(store: StateStore): Conversation {
    const conversation = new Conversation();
    const saved = store.get(STORAGE_KEY) as { version?: unknown; entries?: unknown } | undefined;
    if (saved && saved.version === STORAGE_VERSION) {
      const entries = parseEntries(saved.entries);
      // A reply that was streaming when the window closed can never finish.
      if (entries) conversation.entries = entries.map((e) => (e.kind === 'assistant' && e.status === 'streaming' ? { ...e, status: 'stopped' } : e));
    }
    return conversation;
  }

  save(store: StateStore): PromiseLike<void> {
    return store.update(STORAGE_KEY, { version: STORAGE_VERSION, entries: this.entries });
  }

  all(): readonly Entry[] {
    return this.entries;
  }

  /** Turns the model still sees, oldest first. */
  liveTurns(): Turn[] {
    return this.entries.filter((e): e is Turn => e.kind !== 'note' && !e.dropped);
  }

  get(id: string): Entry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  addUser(text: string): Entry {
    return this.push({ kind: 'user', id: newId(), text, dropped: false });
  }

  addAssistant(): Entry {
    return this.push({ kind: 'assistant', id: newId(), text: '', status: 'streaming', dropped: false });
  }

  addNote(text: string): Entry {
    return this.push({ kind: 'note', id: newId(), text });
  }

  appendText(id: string, chunk: string): Entry | undefined {
    return this.replace(id, (e) => (e.kind === 'assistant' ? { ...e, text: e.text + chunk } : e));
  }

  finish(id: string, status: Exclude<AssistantStatus, 'streaming'>, suffix = ''): Entry | undefined {
    return this.replace(id, (e) => (e.kind === 'assistant' ? { ...e, status, text: e.text + suffix } : e));
  }

  /** Marks turns as no longer in the model's context (they stay visible). */
  markDropped(ids: readonly string[]): void {
    const set = new Set(ids);
    this.entries = this.entries.map((e) => (e.kind !== 'note' && set.has(e.id) ? { ...e, dropped: true } : e));
  }

  remove(id: string): void {
    this.entries = this.entries.filter((e) => e.id !== id);
  }

  clear(): void {
    this.entries = [];
  }

  private push(entry: Entry): Entry {
    this.entries.push(entry);
    if (this.entries.length > MAX_SAVED_ENTRIES) this.entries.splice(0, this.entries.length - MAX_SAVED_ENTRIES);
    return entry;
  }

  private replace(id: string, change: (e: Entry) => Entry): Entry | undefined {
    const index = this.entries.findIndex((e) => e.id === id);
    if (index < 0) return undefined;
    this.entries[index] = change(this.entries[index]);
    return this.entries[index];
  }
}

function newId(): string {
  return randomUUID().replace(/-/g, '');
}
