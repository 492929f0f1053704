// One conversation as the extension host keeps it: an ordered transcript of
// user turns, assistant turns and notes. ConversationHistory saves it.
import { randomUUID } from 'node:crypto';
import type { AssistantStatus, Entry } from './messages';

/** Older entries beyond this are forgotten so the saved state stays small. */
export const MAX_SAVED_ENTRIES = 400;

/** Longest title made from a first message (characters). */
const TITLE_CHARS = 60;

export const UNTITLED = 'New chat';

type Turn = Extract<Entry, { kind: 'user' | 'assistant' }>;

export class Conversation {
  private entries: Entry[] = [];

  /** A conversation with saved entries; a reply that was streaming when the window closed can never finish. */
  static restore(entries: readonly Entry[]): Conversation {
    const conversation = new Conversation();
    conversation.entries = entries.map((e) => (e.kind === 'assistant' && e.status === 'streaming' ? { ...e, status: 'stopped' } : e));
    return conversation;
  }

  /** The first line of the first question, shortened: what the history list shows. */
  title(): string {
    const first = this.entries.find((e) => e.kind === 'user');
    const line = first?.text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l !== '') ?? '';
    if (line === '') return UNTITLED;
    return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1).trimEnd()}…` : line;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
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

export function newId(): string {
  return randomUUID().replace(/-/g, '');
}
