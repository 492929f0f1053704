// Reads new reply text to screen readers through a polite ARIA live region:
// whole sentences as they complete, then the rest when the reply ends. Never
// token by token, and code blocks are summarised rather than spelled out.

const FENCE = /^ {0,3}(`{3,}|~{3,})/gm;

/** Where the speakable text ends: after the last finished sentence, outside any open code fence. */
export function speakableEnd(text: string, from: number, done: boolean): number {
  let end = text.length;
  if (!done) {
    end = from;
    const sentence = /[.!?:;](?=\s)|\n/g;
    sentence.lastIndex = from;
    for (let m = sentence.exec(text); m; m = sentence.exec(text)) end = m.index + 1;
  }
  // Never stop inside a code block that is still open.
  const fences = Array.from(text.slice(0, end).matchAll(FENCE));
  if (!done && fences.length % 2 === 1) end = Math.max(from, fences[fences.length - 1].index ?? from);
  return end;
}

/** Markdown made pleasant to hear: code blocks become "Code block.", markup goes. */
export function speakable(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, ' Code block. ')
    .replace(/^ {0,3}(`{3,}|~{3,}).*$/gm, ' ')
    .replace(/[`*_#>|~]+/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export class Announcer {
  private readonly spoken = new Map<string, number>();

  constructor(private readonly region: HTMLElement) {}

  /** Marks text as already heard (restored history). */
  skip(id: string, text: string): void {
    this.spoken.set(id, text.length);
  }

  update(id: string, text: string, done: boolean): void {
    const from = Math.min(this.spoken.get(id) ?? 0, text.length);
    const end = speakableEnd(text, from, done);
    if (end <= from) return;
    this.spoken.set(id, end);
    const words = speakable(text.slice(from, end));
    if (words) this.say(words);
  }

  say(text: string): void {
    this.region.textContent = text;
  }
}
