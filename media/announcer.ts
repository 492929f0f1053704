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

/**
 * Markdown made pleasant to hear: code blocks become "Code block.", markup
 * goes. Every step is linear in the text: model output is hostile, and this
 * runs on the webview's main thread (a reply of 40k "[" once took 2.6 s).
 */
export function speakable(markdown: string): string {
  return summariseCodeBlocks(markdown)
    .replace(/[`*_#>|~]+/g, ' ')
    // A link's text stays. Neither part may contain a bracket, so no two
    // attempts scan the same characters.
    .replace(/\[([^[\]\n]*)\]\([^()[\]\s]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Each fenced block becomes " Code block. ", in one pass over the lines. As in
 * CommonMark, a block that is never closed runs to the end of the text.
 */
function summariseCodeBlocks(markdown: string): string {
  const out: string[] = [];
  let open: string | undefined;
  for (const line of markdown.split('\n')) {
    const run = fenceOf(line);
    if (open === undefined) {
      out.push(run === undefined ? line : ' Code block. ');
      open = run;
    } else if (run !== undefined && run.startsWith(open)) {
      open = undefined; // a closing run is at least as long as the opening one, of the same character
    }
  }
  return out.join('\n');
}

/** The fence run (``` or ~~~, three or more) a line starts with, after up to three spaces. */
function fenceOf(line: string): string | undefined {
  return /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
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
