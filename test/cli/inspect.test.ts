import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeGguf } from '../../src/model-file/gguf-writer';
import { bitnetCli } from '../helpers/cli';
import { tempDir, tinyModelPath } from '../helpers/model-files';

const root = path.resolve(__dirname, '../..');
const dir = tempDir();

function bitnet(...args: string[]) {
  const r = spawnSync(process.execPath, [bitnetCli(), ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('bitnet inspect describes a BitNet model: architecture, shapes, tensor types and tokenizer', () => {
  const r = bitnet('inspect', tinyModelPath());
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /architecture: bitnet-b1\.58/);
  assert.match(r.out, /tensors: +24 \(F16 1, F32 9, I2_S 14\)/);
  assert.match(r.out, /2× blk\.N\.ffn_down\.weight I2_S 256×128/);
  assert.match(r.out, /shape: +2 layers, hidden 128, ffn 256, 4 heads \/ 2 KV heads \(head size 32\)/);
  assert.match(r.out, /tokenizer: +byte-level BPE, 128256 tokens \(256 control\), 280147 merges/);
  assert.match(r.out, /EOT 128009 <\|eot_id\|>/);
  assert.match(r.out, /^ok: /m);
});

test('bitnet inspect fails with one line and a non-zero exit on a file it cannot use', () => {
  const llama = path.join(dir, 'llama.gguf');
  writeGguf(llama, { metadata: [['general.architecture', { type: 'string', value: 'llama' }]], tensors: [] });
  const r = bitnet('inspect', llama);
  assert.equal(r.code, 1);
  assert.match(r.out, /architecture: llama/);
  assert.equal(r.err, 'bitnet inspect: this file is a Llama GGUF, not a BitNet b1.58 model\n');

  const cut = path.join(dir, 'cut.gguf');
  const bytes = fs.readFileSync(tinyModelPath());
  fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
  const t = bitnet('inspect', cut);
  assert.equal(t.code, 1);
  assert.equal(t.err, `bitnet inspect: the file is truncated: expected ${bytes.length} bytes, found ${bytes.length - 100}\n`);
  assert.equal(t.out, '');

  const missing = bitnet('inspect', path.join(dir, 'none.gguf'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^bitnet inspect: cannot read .*none\.gguf: the file does not exist\n$/);
});

test('bitnet make-model writes a model that inspect accepts, and rejects bad options', () => {
  const out = path.join(dir, 'made.gguf');
  const r = bitnet('make-model', '--shape', 'tiny', '--out', out, '--seed', '5');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote .*made\.gguf: \d+ bytes/);
  assert.equal(bitnet('inspect', out).code, 0);
  const bad = bitnet('make-model', '--shape', 'huge', '--out', out);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--shape must be 2b4t or tiny, got 'huge'/);
  assert.match(bitnet('make-model', '--shape', 'tiny').err, /--out is required/);
  assert.match(bitnet('make-model', '--shape', 'tiny', '--out', path.join(dir, 'no/such/m.gguf')).err, /the folder for --out .* does not exist/);
  assert.match(bitnet('make-model', '--shape', 'tiny', '--out', out, '--seed', '-1').err, /--seed must be a whole number from 0 to 4294967295, got '-1'/);
});
