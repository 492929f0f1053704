import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bitnetCli } from '../helpers/cli';
import { SMALL_SHAPE, tempDir, tinyModelPath, writeSmallModel } from '../helpers/model-files';

const root = path.resolve(__dirname, '../..');
const model = tinyModelPath();

function bitnet(args: string[]) {
  const r = spawnSync(process.execPath, [bitnetCli(), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bitnet run prints generated text and ends with a line of timings', () => {
  const r = bitnet(['run', '--model', model, '--prompt', 'def fib(n):', '--n', '8', '--threads', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n\nprompt 5 tokens in \d+ ms \([\d.]+ tok\/s\), generated [1-8] tokens in \d+ ms/);
});

test('bitnet run with temperature 0 is reproducible', () => {
  const args = ['run', '--model', model, '--prompt', 'Hello', '--n', '8', '--temp', '0'];
  const text = (s: string) => s.slice(0, s.lastIndexOf('\n\nprompt'));
  assert.equal(text(bitnet(args).stdout), text(bitnet(args).stdout));
});

test('bitnet logits prints the top ids as JSON, best first', () => {
  const r = bitnet(['logits', '--model', model, '--tokens', '128000,9906,1917', '--top', '5']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { tokens: number[]; top: { id: number; logit: number }[] };
  assert.deepEqual(out.tokens, [128000, 9906, 1917]);
  assert.equal(out.top.length, 5);
  for (let i = 1; i < 5; i++) assert.ok(out.top[i - 1].logit >= out.top[i].logit);
});

test('bitnet logits --all prints the whole vector, whose best entry is the top id', () => {
  const r = bitnet(['logits', '--model', model, '--tokens', '128000,9906', '--top', '1', '--all']);
  const out = JSON.parse(r.stdout) as { top: { id: number }[]; logits: number[] };
  assert.equal(out.logits.length, 128256);
  const best = out.logits.reduce((b, v, i, all) => (v > all[b] ? i : b), 0);
  assert.equal(best, out.top[0].id);
});

test('bitnet bench --json prints one object per thread count with the figures', () => {
  const r = bitnet(['bench', '--model', model, '--threads', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim());
  for (const key of ['threads', 'decode_tok_s', 'pp128_tok_s', 'pp512_tok_s', 'load_ms', 'peak_rss_bytes', 'bytes_per_token']) {
    assert.equal(typeof result[key], 'number', key);
  }
  assert.equal(result.threads, 1);
  assert.ok(result.decode_tok_s > 0 && result.peak_rss_bytes > 0);
});

test('bad arguments give a one-line error naming the flag and a non-zero exit', () => {
  const r = bitnet(['run', '--model', model, '--prompt', 'x', '--n', 'lots']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "bitnet run: --n must be a whole number of at least 1, got 'lots' (see 'bitnet run --help')\n");
});

test('--temp must be a number from 0 to 2: -1, abc and NaN are refused', () => {
  for (const temp of ['-1', 'abc', 'NaN']) {
    const r = bitnet(['run', '--model', model, '--prompt', 'x', '--temp', temp]);
    assert.equal(r.code, 2, temp);
    assert.equal(r.stderr, `bitnet run: --temp must be a number from 0 to 2, got '${temp}' (see 'bitnet run --help')\n`);
  }
});

test('--threads outside 0 to 256 is refused by its name, not by what the engine calls it', () => {
  const r = bitnet(['logits', '--model', model, '--tokens', '1', '--threads', '300']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^bitnet logits: --threads must be a whole number from 0 to 256, got '300'/);
  assert.doesNotMatch(r.stderr, /options\.threads/);
});

test('--threads above the number of CPUs warns, and the command still runs', () => {
  const over = os.availableParallelism() + 1;
  const r = bitnet(['run', '--model', model, '--prompt', 'Hello', '--n', '2', '--threads', String(over)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^bitnet: warning: --threads ${over} is more than the ${over - 1} CPUs this machine has`));
  assert.match(r.stdout, new RegExp(`${over} threads\n`));
});

test('--n beyond the context stops when the context is full, with a note saying so', () => {
  const small = writeSmallModel({ shape: { ...SMALL_SHAPE, contextLength: 24 } });
  const r = bitnet(['run', '--model', small, '--prompt', 'abc', '--n', '100']);
  assert.equal(r.code, 0, r.stderr);
  const prompt = Number(/prompt (\d+) tokens/.exec(r.stdout)![1]);
  const generated = Number(/generated (\d+) tokens/.exec(r.stdout)![1]);
  // The random test model never ends a reply on its own: it runs to the limit.
  assert.equal(prompt + generated, 24);
  assert.match(r.stdout, new RegExp(`note: stopped after ${generated} of the 100 tokens --n asked for: the prompt and the reply fill the model's context of 24 tokens\n$`));
});

test('a prompt longer than the context is an error that says to shorten the prompt', () => {
  const small = writeSmallModel({ shape: { ...SMALL_SHAPE, contextLength: 24 } });
  const r = bitnet(['run', '--model', small, '--prompt', 'abc '.repeat(40)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^bitnet run: the prompt is \d+ tokens, more than the model's context of 24 tokens holds with a reply; shorten the prompt\n$/);
  const ids = Array.from({ length: 30 }, (_, i) => i + 1).join(',');
  const l = bitnet(['logits', '--model', small, '--tokens', ids]);
  assert.equal(l.code, 1);
  assert.equal(l.stderr, "bitnet logits: --tokens has 30 ids and the model's context holds 24; shorten the prompt\n");
});

/** Starts a long `bitnet run` on a copy of the model, calls `change(file)` once text streams, and waits for the exit. */
function changeDuringRun(change: (file: string) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const file = path.join(tempDir(), 'victim.gguf');
  fs.copyFileSync(model, file);
  const child = spawn(process.execPath, [bitnetCli(), 'run', '--model', file, '--prompt', 'hello', '--n', '4000', '--temp', '1'], { cwd: root });
  let stderr = '';
  let changed = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', () => {
    if (!changed) change(file);
    changed = true;
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

test('bitnet run on a model file truncated while it generates ends with a clear error, not a crash', async () => {
  const r = await changeDuringRun((file) => fs.truncateSync(file, 8_337_088));
  assert.equal(r.signal, null);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the model file changed on disk/);
});

test('bitnet run on a model file rewritten in place while it generates ends with a clear error, not a crash', async () => {
  const r = await changeDuringRun((file) => fs.writeFileSync(file, fs.readFileSync(tinyModelPath(2))));
  assert.equal(r.signal, null);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the model file changed on disk/);
});
