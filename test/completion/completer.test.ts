// The inline-completion pipeline with the real engine on a tiny model file.
// The suggestion text is whatever the (random) model says; these tests hold
// the pipeline to its promises: post-processing applied, the cache and
// in-flight generations reused, cancellation honoured, modes respected.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { InlineCompleter, type CompleterSettings } from '../../src/completion/completer';
import type { DocumentSnapshot } from '../../src/completion/snapshot';
import { indentWidth } from '../../src/completion/snapshot';
import { EngineClient } from '../../src/engine/client';
import { tinyModelPath } from '../helpers/model-files';

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
