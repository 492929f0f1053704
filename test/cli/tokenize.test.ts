import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { bitnetCli } from '../helpers/cli';
import { tinyModelPath } from '../helpers/model-files';
import { referenceEncode } from '../tokenizer/llama3-fixture';

const root = path.resolve(__dirname, '../..');
const model = tinyModelPath();

function bitnet(args: string[], input: string) {
  const r = spawnSync(process.execPath, [bitnetCli(), ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bitnet tokenize --json prints the ids of standard input, special-token text included as plain text', () => {
  const text = "def main():\n    print('héllo 🙂')  # DON'T <|eot_id|>\n";
  const r = bitnet(['tokenize', '--model', model, '--json'], text);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), referenceEncode(text));
});

test('bitnet tokenize --bos lists one token per line with its text', () => {
  const r = bitnet(['tokenize', '--model', model, '--bos'], 'Hello world!');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '128000  "<|begin_of_text|>"\n  9906  "Hello"\n  1917  " world"\n     0  "!"\n4 tokens\n');
});

test('bitnet tokenize --decode turns a JSON array of ids back into text', () => {
  const r = bitnet(['tokenize', '--model', model, '--decode'], '[128000, 9906, 1917, 0, 28584, 128009]');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '<|begin_of_text|>Hello world! 🙂<|eot_id|>');
});

test('bad input to bitnet tokenize exits non-zero with one line saying what is wrong', () => {
  for (const [args, input, message, code] of [
    [['tokenize', '--model', model, '--decode'], 'not json', /JSON array of token ids/, 1],
    [['tokenize', '--model', model, '--decode'], '[1, 999999]', /token id 999999 is outside the vocabulary/, 1],
    [['tokenize'], '', /--model is required/, 2],
    [['tokenize', '--model', path.join(root, 'no-such-model.gguf')], 'x', /does not exist/, 1],
  ] as const) {
    const r = bitnet([...args], input);
    assert.equal(r.code, code);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
