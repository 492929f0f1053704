// Recent suggestions keyed by the text before the cursor. A hit needs no
// model call, including "typed-through" hits: when the user types the first
// characters of a suggestion, the rest of it is still the answer.

interface Entry {
  prefix: string;
  lineAfter: string;
  completion: string;
}

export class CompletionCache {
  private entries: Entry[] = [];

  constructor(private readonly capacity = 64) {}

  get(prefix: string, lineAfter: string): string | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.lineAfter !== lineAfter || !prefix.startsWith(e.prefix)) continue;
      const typed = prefix.slice(e.prefix.length);
      if (!e.completion.startsWith(typed)) continue;
      const rest = e.completion.slice(typed.length);
      if (rest.trim() !== '') return rest;
    }
    return undefined;
  }

  set(prefix: string, lineAfter: string, completion: string): void {
    this.entries = this.entries.filter((e) => e.prefix !== prefix || e.lineAfter !== lineAfter);
    this.entries.push({ prefix, lineAfter, completion });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  clear(): void {
    this.entries = [];
  }
}
