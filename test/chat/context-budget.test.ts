import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationTokens, fitToContext, instructionTokens, replyReserve, tokensAtMost, TokenCounter, type BudgetTurn } from '../../src/chat/context-budget';
import { wordTokens } from './fakes';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { Tokenizer } from '../../src/tokenizer/tokenizer';
import { tinyModelPath } from '../helpers/model-files';

const turns = (...lengths: number[]): BudgetTurn[] =>
  lengths.map((n, i) => ({ id: `t${i}`, role: i % 2 === 0 ? 'user' : 'assistant', text: Array.from({ length: n }, () => 'w').join(' ') }));

function counter() {
  const seen: string[] = [];
  return { seen, counter: new TokenCounter(async (t) => { seen.push(t); return wordTokens(t); }) };
}

test('a conversation that fits is sent whole, after the system prompt', async () => {
  const fit = await fitToContext('sys', turns(10, 20, 30), 1000, counter().counter);
  assert.deepEqual(fit.droppedIds, []);
  assert.deepEqual(fit.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
  assert.equal(fit.promptTokens, 4 + (4 + 1) + (4 + 10) + (4 + 20) + (4 + 30));
  assert.equal(fit.tooLong, false);
});

test('the oldest turns are dropped first, whole question-and-answer pairs, until the prompt fits', async () => {
  // system 5, turns 104 + 204 + 54 + 24 + 14 = 400 + 5 + 4
  const fit = await fitToContext('sys', turns(100, 200, 50, 20, 10), 150, counter().counter);
  assert.deepEqual(fit.droppedIds, ['t0', 't1']);
  assert.equal(fit.messages[1].role, 'user');
  assert.ok(fit.promptTokens <= 150);
});

test('a reply is never kept without its question', async () => {
  // Dropping t0 alone would fit, but t1 (a reply) would then lead.
  const fit = await fitToContext('sys', turns(100, 5, 10), 60, counter().counter);
  assert.deepEqual(fit.droppedIds, ['t0', 't1']);
  assert.deepEqual(fit.messages.map((m) => m.role), ['system', 'user']);
});

test('a newest turn that cannot fit on its own is reported too long', async () => {
  const fit = await fitToContext('sys', turns(10, 10, 500), 200, counter().counter);
  assert.equal(fit.tooLong, true);
  assert.deepEqual(fit.droppedIds, ['t0', 't1']);
});

test('the reply reserve is the reply length but at most a quarter of the context', () => {
  assert.equal(replyReserve(256, 4096), 256);
  assert.equal(replyReserve(1024, 4096), 1024);
  assert.equal(replyReserve(4096, 4096), 1024);
  assert.equal(replyReserve(1024, 1024), 256);
  assert.equal(replyReserve(0, 4096), 1);
});

test('the meter counts the conversation alone; the instructions are counted apart', async () => {
  const { counter: c } = counter();
  assert.equal(await conversationTokens([], c), 0);
  assert.equal(await conversationTokens(turns(3, 4), c), (4 + 3) + (4 + 4));
  assert.equal(await instructionTokens('a short system prompt', c), 4 + 4 + 4);
});

test('token counts are cached, so unchanged history is not re-tokenized each turn', async () => {
  const { seen, counter: c } = counter();
  await conversationTokens(turns(3, 4), c);
  await conversationTokens(turns(3, 4, 5), c);
  assert.equal(seen.length, 3);
});

test("the byte-length bound is never below Llama 3's real count, so what it says fits does fit", async () => {
  const tokenizer = Tokenizer.fromVocab(readBitnetModel(tinyModelPath()).vocab);
  const c = new TokenCounter(async (t) => tokenizer.encode(t).length);
  for (const text of ['plain words here', 'naïve café — ünïcödé', '日本語のテキスト', '🙂🙂 👩‍👩‍👧', '\t\t  \n\r\n', '']) {
    const counted = 4 + (await c.message(text));
    assert.ok(tokensAtMost([text]) >= counted, `${JSON.stringify(text)}: bound ${tokensAtMost([text])} < ${counted}`);
  }
  assert.equal(tokensAtMost(['ab', 'c']), 4 + (4 + 2) + (4 + 1));
});
