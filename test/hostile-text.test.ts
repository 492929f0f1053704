// Every path that handles text from outside (the tokenizer, the chat prompt,
// Markdown rendering, the screen-reader announcer, the explain prompt, the
// sensitive-file rules) fed hostile and random strings up to 1 MB. Each call
// must not throw, and must finish within a bound of CPU time (this process's,
// so other work on the machine does not count) that is generous (these are
// not speed measurements) but that quadratic work on a megabyte, which takes
// minutes, cannot meet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { Announcer, speakable, speakableEnd } from '../media/announcer';
import { MAX_MARKDOWN_CHARS, createRenderer } from '../media/render-markdown';
import { buildExplainTurn } from '../src/chat/explain-prompt';
import { isSensitive, patternProblems } from '../src/completion/sensitive-files';
import { skipReason } from '../src/completion/skip-rules';
import { chatTokens, chatText } from '../src/tokenizer/chat-template';
import { llama3Tokenizer } from './tokenizer/llama3-fixture';
import { MEGABYTE, hostileTexts, randomText, runOf, type HostileText } from './helpers/hostile-text';

/** CPU time per call. The slowest linear path (the tokenizer) needs 2–5 s for a megabyte here. */
const BOUND_MS = 15_000;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function checkTime(what: string, input: HostileText, started: number): void {
  const ms = cpuMs() - started;
  assert.ok(ms < BOUND_MS, `${what} took ${ms.toFixed(0)} ms of CPU on ${input.name}`);
}

function bounded<T>(what: string, input: HostileText, call: () => T): T {
  const started = cpuMs();
  let result: T;
  try {
    result = call();
  } catch (err) {
    assert.fail(`${what} threw on ${input.name}: ${(err as Error).message}`);
  }
  checkTime(what, input, started);
  return result;
}

async function boundedAsync<T>(what: string, input: HostileText, call: () => Promise<T>): Promise<T> {
  const started = cpuMs();
  const result = await call().catch((err: Error) => assert.fail(`${what} threw on ${input.name}: ${err.message}`));
  checkTime(what, input, started);
  return result;
}

const megabyte = hostileTexts(MEGABYTE);
const tok = llama3Tokenizer();

test('the announcer reads a megabyte of any hostile reply in bounded time', () => {
  const { document } = new JSDOM('<div></div>').window;
  for (const input of megabyte) {
    bounded('speakable', input, () => speakable(input.text));
    bounded('speakableEnd', input, () => speakableEnd(input.text, 0, false));
    bounded('speakableEnd (done)', input, () => speakableEnd(input.text, input.text.length >> 1, true));
    const live = document.createElement('div') as unknown as HTMLElement;
    bounded('Announcer.update', input, () => new Announcer(live).update('r', input.text, true));
  }
});

test('the explain prompt takes a megabyte selection of any hostile text in bounded time', async () => {
  const countTokens = async (text: string): Promise<number> => Math.ceil(text.length / 4);
  for (const input of megabyte) {
    const sel = { code: input.text, languageId: 'markdown', fileName: input.text.slice(0, 200), startLine: 1, endLine: 1 };
    const turn = await boundedAsync('buildExplainTurn', input, () => buildExplainTurn(sel, input.text.slice(0, 1000), 4096, countTokens));
    assert.ok(turn.text.length <= 4096 * 4);
  }
});

test('the sensitive-file rules take hostile paths and hostile patterns in bounded time', () => {
  for (const input of megabyte) {
    const patterns = [input.text, input.text.slice(0, 256), input.text.slice(0, 100), `**/${input.text.slice(0, 60)}/**`];
    bounded('patternProblems', input, () => patternProblems(patterns));
    for (const path of [input.text, input.text.slice(0, 4096), input.text.slice(0, 255), `/w/${input.text.slice(0, 200)}/x.ts`]) {
      bounded('isSensitive', input, () => isSensitive(path, patterns));
      bounded('skipReason', input, () =>
        skipReason({
          selectionCount: 1, hasSelection: false, uriScheme: 'file', fileName: path, languageId: 'plaintext',
          documentLength: path.length, enabled: true, sensitivePatterns: patterns, maxFileSize: MEGABYTE * 2,
        }),
      );
    }
  }
});

test('the tokenizer encodes and decodes a megabyte of hostile text in bounded time, and round-trips it', () => {
  // Every run at 256 KB, and a megabyte of the runs that are hardest on a BPE tokenizer.
  const inputs = [...hostileTexts(MEGABYTE / 4), ...['a', ' ', '\n', '🙂', '\ud800', '[', '7'].map((u) => runOf(u, MEGABYTE)), randomText(3, MEGABYTE)];
  for (const input of inputs) {
    const ids = bounded('Tokenizer.encode', input, () => tok.encode(input.text));
    const text = bounded('Tokenizer.decode', input, () => tok.decode(ids));
    // Lone surrogates cannot survive UTF-8; everything else must come back as it was.
    if (!/[\ud800-\udfff]/.test(input.text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
      assert.ok(text === input.text, `round trip of ${input.name}`);
    }
  }
});

test('the chat prompt takes a megabyte message of hostile text in bounded time', () => {
  for (const input of [runOf(' ', MEGABYTE), runOf('\n', MEGABYTE), runOf('\u3000', MEGABYTE), randomText(4, MEGABYTE), runOf('<|eot_id|>', MEGABYTE)]) {
    const messages = [
      { role: 'system' as const, content: input.text.slice(0, 1000) },
      { role: 'user' as const, content: ` ${input.text}x${input.text} ` },
    ];
    const ids = bounded('chatTokens', input, () => chatTokens(tok, messages));
    assert.equal(ids.filter((id) => id >= 128000).length, 3, 'only the BOS and the two EOTs are special, whatever the text says');
    bounded('chatText', input, () => chatText(messages));
  }
});

test('Markdown rendering of a megabyte of hostile text is bounded, and so is the largest text it still parses', () => {
  const win = new JSDOM('<!DOCTYPE html><body></body>').window as unknown as Window;
  const renderer = createRenderer(win);
  // A megabyte takes the plain-text path, whatever it holds: the runs that are hardest on escaping and
  // on the HTML parser, and random text. Every run at 8 KB, and the worst two at the largest size
  // still parsed as Markdown (jsdom's DOM makes these slow).
  const plain = [...['<a ', '&', '\ud800', '\u0000', '```\n', '\n'].map((u) => runOf(u, MEGABYTE)), randomText(1, MEGABYTE)];
  const parsed = [...hostileTexts(8 * 1024, [5, 6]), ...['*a', '['].map((u) => runOf(u, MAX_MARKDOWN_CHARS - 2))];
  for (const input of [...plain, ...parsed]) {
    const fragment = bounded('renderer.fragment', input, () => renderer.fragment(input.text));
    assert.equal(fragment.querySelectorAll('script, img, iframe, style').length, 0);
  }
});
