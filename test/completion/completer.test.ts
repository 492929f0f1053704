// The inline-completion pipeline with the real engine on a tiny model file.
// The suggestion text is whatever the (random) model says; these tests hold
// the pipeline to its promises: post-processing applied, the cache and
// in-flight generations reused, cancellation honoured, modes respected.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { InlineCompleter, type CompleterSettings } from '../../src/completion/completer';
import type { CompletionReport } from '../../src/completion/completion-report';
import type { CompletionGenerator } from '../../src/completion/inflight-completion';
import { CHARS_PER_TOKEN, coldWindowTokens, promptHeader } from '../../src/completion/prompt';
import { skipReason } from '../../src/completion/skip-rules';
import type { DocumentSnapshot } from '../../src/completion/snapshot';
import { indentWidth } from '../../src/completion/snapshot';
import { EngineClient } from '../../src/engine/client/engine-client';
import type { CompletionPrompt } from '../../src/engine/protocol';
import { tinyModelPath } from '../helpers/model-files';
import { sourceText } from '../helpers/tiny-engine';

const root = path.resolve(__dirname, '../..');
const settings: CompleterSettings = { maxTokens: 24, promptTokens: 512, timeBudgetMs: 10_000 };
let client: EngineClient;

before(() => {
  client = new EngineClient(root);
  client.setModel(tinyModelPath(), { threads: 1 });
});
after(() => client.dispose());

function doc(prefix: string, suffix = '', languageId = 'typescript'): DocumentSnapshot {
  return { path: 'src/example.ts', languageId, prefix, suffix, tabSize: 2, insertSpaces: true };
}

const explicit = () => ({ explicit: true, signal: new AbortController().signal });

/** The first of some prefixes for which the model suggests something (a random model may suggest nothing). */
async function prefixWithSuggestion(completer: InlineCompleter): Promise<{ prefix: string; text: string }> {
  for (let i = 0; i < 40; i++) {
    const prefix = `const value${i} = `;
    const result = await completer.complete(doc(prefix), explicit());
    if (result && result.text.length >= 2) return { prefix, text: result.text };
  }
  throw new Error('the model suggested nothing for 40 prefixes');
}

test('a single-line suggestion comes from the model with no line break and no trailing whitespace', async () => {
  const completer = new InlineCompleter(client, () => settings);
  const { text } = await prefixWithSuggestion(completer);
  assert.ok(!text.includes('\n'));
  assert.equal(text, text.trimEnd());
  assert.ok(completer.counters.generations >= 1);
});

test('asking again at the same place is answered from the cache without the model', async () => {
  const completer = new InlineCompleter(client, () => settings);
  const { prefix, text } = await prefixWithSuggestion(completer);
  const generations = completer.counters.generations;
  const again = await completer.complete(doc(prefix), explicit());
  assert.deepEqual(again, { text, source: 'cache' });
  assert.equal(completer.counters.generations, generations);
});

test('typing the first characters of a suggestion shows the rest without the model', async () => {
  const completer = new InlineCompleter(client, () => settings);
  const { prefix, text } = await prefixWithSuggestion(completer);
  const generations = completer.counters.generations;
  const rest = await completer.complete(doc(prefix + text[0]), explicit());
  assert.equal(rest?.text, text.slice(1));
  assert.equal(rest?.source, 'cache');
  assert.equal(completer.counters.generations, generations);
});

test('a keystroke that matches the text being generated joins that generation', async () => {
  const learn = new InlineCompleter(client, () => settings);
  const { prefix, text } = await prefixWithSuggestion(learn);
  for (let attempt = 0; attempt < 5; attempt++) {
    const completer = new InlineCompleter(client, () => settings);
    const first = completer.complete(doc(prefix), explicit());
    // The next keystroke comes once the model has written something, while it still writes.
    let settled = false;
    void first.then(() => (settled = true));
    while (!completer.inflightText && !settled) await new Promise((r) => setImmediate(r));
    if (settled) continue; // the model was too quick to catch mid-generation: try again
    const second = await completer.complete(doc(prefix + text[0]), explicit());
    await first;
    assert.equal(second?.source, 'in-flight');
    assert.equal(second?.text, text.slice(1));
    assert.equal(completer.counters.generations, 1);
    return;
  }
  assert.fail('never caught the generation mid-way in 5 attempts');
});

test('a cancelled request returns nothing and a later request still works', async () => {
  const completer = new InlineCompleter(client, () => settings);
  const controller = new AbortController();
  const pending = completer.complete(doc('let a = '), { explicit: false, signal: controller.signal });
  controller.abort();
  assert.equal(await pending, undefined);
  const { text } = await prefixWithSuggestion(completer);
  assert.ok(text.length > 0);
});

test('at an empty line inside a block, every suggested line stays inside the block', async () => {
  const completer = new InlineCompleter(client, () => settings);
  let checked = 0;
  for (let i = 0; i < 12; i++) {
    const prefix = `function f${i}(x: number) {\n  `;
    const result = await completer.complete(doc(prefix, '\n}\n'), explicit());
    if (!result) continue;
    checked++;
    const lines = result.text.split('\n');
    for (const line of lines.slice(1)) if (line.trim() !== '') assert.ok(indentWidth(line, 2) > 0, `line left the block: ${JSON.stringify(line)}`);
  }
  assert.ok(checked > 0, 'the model suggested nothing in 12 blocks');
});

test('with text right of the cursor, the suggestion never repeats it at its end', async () => {
  const completer = new InlineCompleter(client, () => settings);
  for (let i = 0; i < 12; i++) {
    const result = await completer.complete(doc(`call${i}(`, ');\n'), explicit());
    if (result) assert.ok(!result.text.endsWith(');') && !result.text.endsWith(')'), result.text);
    if (result) assert.ok(!result.text.includes('\n'), `a call's arguments stay on its line: ${JSON.stringify(result.text)}`);
  }
});

test('a generation cut short by a newer keystroke is never offered later as a suggestion', async () => {
  const learn = new InlineCompleter(client, () => settings);
  const { prefix, text } = await prefixWithSuggestion(learn);
  const completer = new InlineCompleter(client, () => settings);
  const first = completer.complete(doc(prefix), explicit());
  while (completer.counters.generations === 0) await new Promise((r) => setTimeout(r, 1));
  const other = text[0] === 'Z' ? 'Q' : 'Z';
  await completer.complete(doc(prefix + other), explicit()); // supersedes the first generation
  await first;
  const back = await completer.complete(doc(prefix), explicit()); // the user deletes the character
  assert.notEqual(back?.source, 'cache');
  assert.equal(back?.text, text);
});

test('the same text before the cursor in another file asks the model again', async () => {
  const completer = new InlineCompleter(client, () => settings);
  const { prefix } = await prefixWithSuggestion(completer);
  const generations = completer.counters.generations;
  const other: DocumentSnapshot = { ...doc(prefix), path: 'src/other.ts' };
  const result = await completer.complete(other, explicit());
  assert.notEqual(result?.source, 'cache');
  assert.equal(completer.counters.generations, generations + 1);
});

test('inside function f() {|}, the model reads on from the brace and its line break, and the body it writes goes on lines of its own above the brace', async () => {
  const { generator, prompts } = noting(client);
  const completer = new InlineCompleter(generator, () => settings);
  let shown = 0;
  for (let i = 0; i < 12 && shown < 3; i++) {
    const prefix = `function braced${i}(x: number) {`;
    const result = await completer.complete(doc(prefix, '}\n'), explicit());
    assert.ok(prompts.at(-1)!.full.endsWith(`${prefix}\n`), 'the prompt ends with the opener and its line break');
    if (!result) continue;
    shown++;
    // The document once the suggestion is accepted at the cursor.
    const lines = (prefix + result.text + '}\n').split('\n');
    assert.equal(lines[0], prefix, 'nothing is added on the opener\'s line');
    assert.deepEqual(lines.slice(-2), ['}', ''], 'the brace the editor typed closes the block on a line of its own');
    const body = lines.slice(1, -2);
    assert.ok(body.length > 0);
    for (const line of body) assert.ok(line.trim() === '' || indentWidth(line, 2) > 0, `line left the block: ${JSON.stringify(line)}`);
    assert.ok(!body.some((line) => line.includes('}')), 'the model\'s own closing brace is not suggested');
    const again = await completer.complete(doc(prefix, '}\n'), explicit());
    assert.deepEqual(again, { text: result.text, source: 'cache' }, 'asked again, the same body comes from the cache');
  }
  assert.ok(shown > 0, 'the model suggested nothing in 12 blocks');
});

test('right after a body is accepted, at the start of the closing brace\'s line, nothing is suggested (it would land before the brace)', async () => {
  const { generator, prompts } = noting(client);
  const completer = new InlineCompleter(generator, () => settings);
  const reports = reportsOf(completer);
  const asked = prompts.length;
  const result = await completer.complete(doc('function braced(x: number) {\n  return x;\n', '}\n'), explicit());
  assert.equal(result, undefined);
  assert.equal(prompts.length, asked, 'the model was not asked');
  const report = await reported(reports, 1);
  assert.equal(report.outcome, 'skipped');
  assert.match(report.detail ?? '', /closing bracket/);
});

test('after a Python colon the model reads on from the colon and its line break', async () => {
  const { generator, prompts } = noting(client);
  const completer = new InlineCompleter(generator, () => settings);
  const result = await completer.complete({ ...doc('def double(x):', '', 'python'), path: 'src/example.py' }, explicit());
  assert.ok(prompts.at(-1)!.full.endsWith('def double(x):\n'));
  if (result) assert.match(result.text, /^\n[ \t]+\S/, 'the suggestion is an indented body below the colon');
});

// ---- Cold prompts and the report of every request ---------------------------

/** The real engine, with the prompts it was asked to complete noted down. */
function noting(engine: EngineClient): { generator: CompletionGenerator; prompts: CompletionPrompt[] } {
  const prompts: CompletionPrompt[] = [];
  const generator: CompletionGenerator = {
    complete: (prompt, options, signal) => {
      prompts.push(prompt);
      return engine.complete(prompt, options, signal);
    },
    warm: (prompt, maxTokens) => engine.warm(prompt, maxTokens),
    get prefillRate() {
      return engine.prefillRate;
    },
  };
  return { generator, prompts };
}

function reportsOf(completer: InlineCompleter): CompletionReport[] {
  const reports: CompletionReport[] = [];
  completer.onReport((r) => reports.push(r));
  return reports;
}

/** Waits for `n` reports in all, then a little longer to be sure no more come. */
async function reported(reports: CompletionReport[], n: number): Promise<CompletionReport> {
  const start = Date.now();
  while (reports.length < n) {
    if (Date.now() - start > 30_000) assert.fail(`${reports.length} reports, expected ${n}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(reports.length, n, JSON.stringify(reports.slice(n)));
  assert.deepEqual(reports.map((r) => r.id), Array.from({ length: n }, (_, i) => i + 1), 'one report per request, in order');
  return reports[n - 1];
}

test('a cold prompt is built only when the cold window is much shorter than the full budget', async () => {
  const { generator, prompts } = noting(client);
  const budget = { tokens: 0 };
  const completer = new InlineCompleter(generator, () => ({ ...settings, promptTokens: budget.tokens }));
  const file = doc(sourceText(300) + '\n  const next = ');
  const header = promptHeader(file.path, file.languageId);
  const lastLine = '  const next = ';

  budget.tokens = 4 * coldWindowTokens(client.prefillRate);
  await completer.complete(file, explicit());
  const wide = prompts.at(-1)!;
  assert.ok(wide.cold !== undefined, 'a full budget four times the cold window gets a cold prompt');
  assert.ok(wide.cold.length < wide.full.length / 2, `cold ${wide.cold.length} chars, full ${wide.full.length}`);
  assert.ok(wide.cold.length <= coldWindowTokens(client.prefillRate) * CHARS_PER_TOKEN);
  for (const text of [wide.full, wide.cold]) {
    assert.ok(text.startsWith(header) && text.endsWith(lastLine), 'both continue the same place of the same file');
  }

  // A budget the size of the cold window: reading it is as quick as reading a cold prompt.
  const asked = prompts.length;
  completer.reset();
  budget.tokens = coldWindowTokens(client.prefillRate);
  await completer.complete(doc(file.prefix + 'x'), explicit());
  assert.equal(prompts.length, asked + 1);
  assert.equal(prompts.at(-1)!.cold, undefined);
});

test('every request is reported once, with its outcome and the engine figures of the generation that served it', async () => {
  const completer = new InlineCompleter(client, () => settings);
  const reports = reportsOf(completer);
  let n = 0;

  // What the provider does in a .env file: the rule's reason reaches the log as a sentence.
  const reason = skipReason({
    selectionCount: 1, hasSelection: false, uriScheme: 'file', fileName: '/ws/.env', languageId: 'dotenv',
    documentLength: 20, enabled: true, sensitivePatterns: [], maxFileSize: 1 << 20,
  });
  assert.ok(reason);
  completer.reportSkip(false, reason);
  let r = await reported(reports, ++n);
  assert.deepEqual([r.outcome, r.detail, r.trigger, r.stats], ['skipped', 'this file may hold secrets', 'typing', undefined]);

  // Ask at several places until the model suggests something.
  let shown: { prefix: string; text: string } | undefined;
  for (let i = 0; i < 40 && !shown; i++) {
    const prefix = `const reported${i} = `;
    const result = await completer.complete(doc(prefix), explicit());
    r = await reported(reports, ++n);
    assert.equal(r.trigger, 'explicit');
    assert.equal(r.source, 'model');
    // The figures are those the engine gave for this very generation.
    assert.deepEqual(r.stats, client.lastStats('completion'));
    assert.ok(r.stats!.promptTokens > 0);
    if (result) {
      assert.equal(r.outcome, 'shown');
      assert.equal(r.chars, result.text.length);
      assert.ok(r.stats!.generatedTokens > 0 && r.stats!.firstTokenMs > 0);
      shown = { prefix, text: result.text };
    } else {
      assert.ok(r.outcome === 'empty' || r.outcome === 'timeout', r.outcome);
    }
  }
  assert.ok(shown, 'the model suggested nothing at 40 places');

  await completer.complete(doc(shown.prefix), explicit());
  r = await reported(reports, ++n);
  assert.deepEqual([r.outcome, r.source, r.stats], ['shown', 'cache', undefined], 'a suggestion from the cache involves no generation');

  const controller = new AbortController();
  const pending = completer.complete(doc('let cancelled = '), { explicit: false, signal: controller.signal });
  controller.abort();
  assert.equal(await pending, undefined);
  r = await reported(reports, ++n);
  assert.equal(r.outcome, 'cancelled');
});

test('a suggestion the filters remove entirely is reported as empty, with the generation that wrote it', async () => {
  const learn = new InlineCompleter(client, () => settings);
  const { prefix, text } = await prefixWithSuggestion(learn);
  // The same place, but the line below already holds what the model writes: nothing is left to suggest.
  const completer = new InlineCompleter(client, () => settings);
  const reports = reportsOf(completer);
  const result = await completer.complete(doc(prefix, `\n${prefix}${text}\n`), explicit());
  assert.equal(result, undefined);
  const r = await reported(reports, 1);
  assert.equal(r.outcome, 'empty');
  assert.ok(r.stats!.generatedTokens > 0, JSON.stringify(r.stats));
});

test('a suggestion whose time ran out before a whole line is reported as a timeout, after the model wrote something', async () => {
  const completer = new InlineCompleter(client, () => ({ ...settings, maxTokens: 200, timeBudgetMs: 0 }));
  const reports = reportsOf(completer);
  // Inside a block, the suggestion is whole lines: one token is not one.
  const result = await completer.complete(doc('function timed(x: number) {\n  ', '\n}\n'), explicit());
  assert.equal(result, undefined);
  const r = await reported(reports, 1);
  assert.equal(r.outcome, 'timeout');
  assert.equal(r.stats!.stopReason, 'time');
  assert.ok(r.stats!.generatedTokens >= 1, 'the budget starts at the first token, so there always is one');
});

test('a prompt that takes longer to read than the whole time budget still gets its suggestion: the budget counts from the first token', async () => {
  const budgetMs = 1;
  const slow = { ...settings, promptTokens: 1500, timeBudgetMs: budgetMs };
  const body = sourceText(150) + '\n  const answer = ';
  // Let the engine measure this CPU first, so that it reads the whole prompt, not a cold one.
  await new InlineCompleter(client, () => slow).complete({ ...doc(body), path: 'src/measure.ts' }, explicit());
  const completer = new InlineCompleter(client, () => slow);
  const reports = reportsOf(completer);
  for (let i = 0; i < 20; i++) {
    // Another file each time, so nothing of the prompt is cached and all of it is read.
    const result = await completer.complete({ ...doc(body), path: `src/slow${i}.ts` }, explicit());
    const r = await reported(reports, i + 1);
    assert.ok(r.stats!.prefillMs > budgetMs, `reading took ${r.stats!.prefillMs} ms`);
    assert.ok(r.stats!.generatedTokens >= 1, JSON.stringify(r.stats));
    if (result) {
      assert.equal(r.outcome, 'shown');
      return;
    }
  }
  assert.fail('no suggestion in 20 files');
});
