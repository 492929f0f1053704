// Recent suggestions keyed by where they were asked for. A hit needs no
// model call, including "typed-through" hits: when the user types the first
// characters of a suggestion, the rest of it is still the answer.

export interface CacheKey {
  /** The file and language: the prompt names them, so they are part of the question. */
  path: string;
  languageId: string;
  /** The text before the cursor, and after it on the same line. */
  prefix: string;
  lineAfter: string;
}

interface Entry extends CacheKey {
  completion: string;
}

export class CompletionCache {
  private entries: Entry[] = [];

  constructor(private readonly capacity = 64) {}

  get(at: CacheKey): string | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (!sameFileAndLine(e, at) || !at.prefix.startsWith(e.prefix)) continue;
      const typed = at.prefix.slice(e.prefix.length);
      if (!e.completion.startsWith(typed)) continue;
      const rest = e.completion.slice(typed.length);
      if (rest.trim() !== '') return rest;
    }
    return undefined;
  }

  set(at: CacheKey, completion: string): void {
    this.entries = this.entries.filter((e) => !sameFileAndLine(e, at) || e.prefix !== at.prefix);
    this.entries.push({ ...at, completion });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  clear(): void {
    this.entries = [];
  }
}

function sameFileAndLine(a: CacheKey, b: CacheKey): boolean {
  return a.path === b.path && a.languageId === b.languageId && a.lineAfter === b.lineAfter;
}
