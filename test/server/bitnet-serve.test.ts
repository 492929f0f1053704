// `bitnet serve` as its clients see it, over real HTTP on 127.0.0.1: the
// llama.cpp `/completion` stream and the OpenAI-compatible ones, slots that
// keep each user's prefix, several users decoded together with the same
// text as one at a time, a disconnect that stops generation, the API key.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { RunningServer } from '../../src/server/bitnet-server';
import { chatTokens } from '../../src/tokenizer/chat-template';
import { eventData, serveTinyModel, waitFor } from '../helpers/bitnet-serve';
import { localGreedy } from '../helpers/local-greedy';
import { sourceText, tinyEngine } from '../helpers/tiny-engine';

let server: RunningServer;
const { tokenizer } = tinyEngine();

before(async () => {
  server = await serveTinyModel({ slots: 3 });
});
after(() => server.close());

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function slots(): Promise<{ id: number; cachedTokens: number; processing: boolean }[]> {
  return (await fetch(server.url + '/slots')).json();
}

test('it listens on 127.0.0.1 unless told otherwise and answers /health', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(await (await fetch(server.url + '/health')).json(), { status: 'ok' });
});

test('/props says it is a llama.cpp-style server with its slots, context and engine', async () => {
  const props = await (await fetch(server.url + '/props')).json();
  assert.equal(props.total_slots, 3);
  assert.equal(props.default_generation_settings.n_ctx, 512);
  assert.equal(typeof props.bitnet.kernels, 'string');
  assert.equal(props.bitnet.slots.length, 3);
});

test('/completion streams content events, then a last one with stop_type and timings, and the text is the local engine’s', async () => {
  const prompt = 'function add(a, b) {';
  const res = await post('/completion', { prompt, n_predict: 12, temperature: 0, stream: true });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events = (await eventData(res)).map((d) => JSON.parse(d));
  const last = events.at(-1);
  assert.equal(last.stop, true);
  assert.ok(events.slice(0, -1).every((e) => e.stop === false && typeof e.content === 'string'));
  assert.equal(last.stop_type, 'limit');
  assert.equal(last.timings.predicted_n, 12);
  assert.equal(last.tokens_evaluated, tokenizer.encode(prompt, { bos: true }).length);
  assert.ok(last.timings.prompt_ms > 0 && last.timings.predicted_per_second >= 0);
  const text = events.map((e) => e.content).join('');
  assert.equal(text, localGreedy(tokenizer.encode(prompt, { bos: true }), 12));
});

test('a request without stream gets one JSON body with the whole content', async () => {
  const res = await post('/completion', { prompt: 'let x =', n_predict: 5, temperature: 0 });
  const body = await res.json();
  assert.equal(body.content, localGreedy(tokenizer.encode('let x =', { bos: true }), 5));
  assert.equal(body.stop, true);
});

test('the next keystroke goes to the same slot and reuses its cached prefix', async () => {
  const file = sourceText(20);
  const first = await (await post('/completion', { prompt: file, n_predict: 2, temperature: 0 })).json();
  const second = await (await post('/completion', { prompt: file + '\n  const', n_predict: 2, temperature: 0 })).json();
  assert.equal(second.id_slot, first.id_slot);
  assert.ok(second.tokens_cached > first.tokens_evaluated - 4, `cached ${second.tokens_cached} of ${second.tokens_evaluated}`);
  assert.equal(second.timings.prompt_n, second.tokens_evaluated - second.tokens_cached);
});

test('a new conversation goes to a free slot instead of evicting a user’s cached file', async () => {
  const fresh = await serveTinyModel({ slots: 2 });
  try {
    const ask = async (prompt: string) =>
      (await fetch(fresh.url + '/completion', { method: 'POST', body: JSON.stringify({ prompt, n_predict: 1, temperature: 0 }) })).json();
    const file = sourceText(15);
    const first = await ask(file);
    const other = await ask('Hello there');
    assert.notEqual(other.id_slot, first.id_slot);
    const next = await ask(file + ' //');
    assert.equal(next.id_slot, first.id_slot);
    assert.ok(next.tokens_cached > first.tokens_evaluated - 4, `cached ${next.tokens_cached}`);
  } finally {
    await fresh.close();
  }
});

test('a prompt given as token ids and pieces is read as those tokens, BOS only when it starts with text', async () => {
  const ids = [tokenizer.bosId, ...tokenizer.encode('Hello'), tokenizer.eotId];
  const a = await (await post('/completion', { prompt: ids, n_predict: 4, temperature: 0 })).json();
  const b = await (await post('/completion', { prompt: ['Hello', tokenizer.eotId], n_predict: 4, temperature: 0 })).json();
  assert.equal(a.tokens_evaluated, ids.length);
  assert.equal(b.content, a.content);
  assert.equal(a.content, localGreedy(ids, 4));
});

test('a stop string ends the stream before it, with stop_type word and the stopping word', async () => {
  const prompt = 'x';
  const full = localGreedy(tokenizer.encode(prompt, { bos: true }), 20);
  const stop = full.slice(5, 8);
  const body = await (await post('/completion', { prompt, n_predict: 20, temperature: 0, stop: [stop] })).json();
  assert.equal(body.content, full.slice(0, full.indexOf(stop)));
  assert.equal(body.stop_type, 'word');
  assert.equal(body.stopping_word, stop);
});

test('three users at once get the same text as each alone, decoded together', async () => {
  const prompts = ['alpha beta', 'def main():\n    ', 'SELECT * FROM'];
  const want = prompts.map((p) => localGreedy(tokenizer.encode(p, { bos: true }), 16));
  const order: number[] = [];
  const got = await Promise.all(
    prompts.map(async (prompt, i) => {
      const res = await post('/completion', { prompt, n_predict: 16, temperature: 0, stream: true, cache_prompt: false });
      let text = '';
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        for (const line of r.value.split('\n')) {
          if (!line.startsWith('data: ')) continue;
          text += JSON.parse(line.slice(6)).content;
          order.push(i);
        }
      }
      return text;
    }),
  );
  assert.deepEqual(got, want);
  // Batched: no user's stream is all done before another's starts.
  const firstEnd = Math.min(...[0, 1, 2].map((i) => order.lastIndexOf(i)));
  const lastStart = Math.max(...[0, 1, 2].map((i) => order.indexOf(i)));
  assert.ok(lastStart < firstEnd, `streams interleave (${order.join('')})`);
});

test('more users than slots wait their turn and all get answers', async () => {
  const bodies = await Promise.all(
    Array.from({ length: 7 }, (_, i) => post('/completion', { prompt: `user ${i}:`, n_predict: 3, temperature: 0 }).then((r) => r.json())),
  );
  assert.equal(bodies.length, 7);
  assert.ok(bodies.every((b) => b.tokens_predicted === 3));
});

test('a client that disconnects stops its generation and frees its slot', async () => {
  await waitFor(async () => (await slots()).every((s) => !s.processing));
  const prompt = tokenizer.encode('once upon a time', { bos: true });
  const req = http.request(server.url + '/completion', { method: 'POST', headers: { 'Content-Type': 'application/json' } });
  req.end(JSON.stringify({ prompt: 'once upon a time', n_predict: -1, temperature: 0, stream: true, cache_prompt: false }));
  await new Promise<void>((resolve) => req.on('response', (res) => res.once('data', () => resolve())));
  req.destroy();
  await waitFor(async () => (await slots()).every((s) => !s.processing));
  const used = Math.max(...(await slots()).map((s) => s.cachedTokens));
  // A generation that ran on would have filled the 512-token context.
  assert.ok(used < prompt.length + 200, `the slot holds ${used} tokens`);
});

test('the OpenAI completion stream sends text_completion chunks, a finish_reason, usage when asked, then [DONE]', async () => {
  const res = await post('/v1/completions', { model: 'any', prompt: 'let x =', max_tokens: 6, temperature: 0, stream: true, stream_options: { include_usage: true } });
  const data = await eventData(res);
  assert.equal(data.at(-1), '[DONE]');
  const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
  assert.ok(chunks.every((c) => c.object === 'text_completion'));
  const text = chunks.map((c) => c.choices[0]?.text ?? '').join('');
  assert.equal(text, localGreedy(tokenizer.encode('let x =', { bos: true }), 6));
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'length');
  assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
});

test('the OpenAI chat stream formats messages with BitNet’s template and sends deltas', async () => {
  const messages = [{ role: 'user' as const, content: 'Say hi' }];
  const res = await post('/v1/chat/completions', { model: 'any', messages, max_tokens: 8, temperature: 0, stream: true });
  const data = await eventData(res);
  assert.equal(data.at(-1), '[DONE]');
  const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
  assert.equal(text, localGreedy(chatTokens(tokenizer, messages), 8));
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
});

test('a non-streaming chat answer is one chat.completion body with the message', async () => {
  const body = await (await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 3, temperature: 0 })).json();
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.choices[0].message.role, 'assistant');
  const want = localGreedy(chatTokens(tokenizer, [{ role: 'user', content: 'Hi' }]), 3);
  assert.equal(body.choices[0].message.content, want);
  assert.equal(body.usage.prompt_tokens, chatTokens(tokenizer, [{ role: 'user', content: 'Hi' }]).length);
});

test('/tokenize counts as the local tokenizer does and reads control-token names when asked', async () => {
  const text = 'const x = 1; // note';
  assert.deepEqual((await (await post('/tokenize', { content: text })).json()).tokens, tokenizer.encode(text));
  assert.deepEqual((await (await post('/tokenize', { content: '<|eot_id|>' })).json()).tokens, [tokenizer.eotId]);
  assert.equal((await (await post('/tokenize', { content: '<|eot_id|>', parse_special: false })).json()).tokens.length > 1, true);
});

test('bad requests get a 400 with an error body, unknown paths a 404', async () => {
  for (const body of [{ prompt: 5 }, { prompt: 'x', n_predict: 'many' }, { prompt: 'x', temperature: -1 }, { prompt: [1e9] }]) {
    const res = await post('/completion', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal((await res.json()).error.type, 'invalid_request_error');
  }
  const bad = await fetch(server.url + '/completion', { method: 'POST', body: '{not json' });
  assert.equal(bad.status, 400);
  assert.equal((await fetch(server.url + '/nowhere')).status, 404);
  assert.equal((await post('/v1/chat/completions', { messages: [{ role: 'robot', content: 'x' }] })).status, 400);
});

test('with an API key, requests without it or with a wrong one get 401; /health stays open', async () => {
  const locked = await serveTinyModel({ apiKey: 'sesame', slots: 1 });
  try {
    const ask = (headers: Record<string, string>) =>
      fetch(locked.url + '/completion', { method: 'POST', headers, body: JSON.stringify({ prompt: 'x', n_predict: 1 }) });
    assert.equal((await ask({})).status, 401);
    const wrong = await ask({ Authorization: 'Bearer open' });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).error.type, 'authentication_error');
    assert.equal((await ask({ Authorization: 'Bearer sesame' })).status, 200);
    assert.equal((await ask({ 'X-Api-Key': 'sesame' })).status, 200);
    assert.equal((await fetch(locked.url + '/props')).status, 401);
    assert.equal((await fetch(locked.url + '/health')).status, 200);
  } finally {
    await locked.close();
  }
});
