import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { readModelInWorker } from '../../src/model/run-model-check';
import { ModelFileError, checkModelFile } from '../../src/model/check-model-file';
import { tempDir, writeSmallModel } from '../helpers/model-files';

// The extension runs the check from its esbuild bundle; build the same entry here.
const dir = tempDir();
const script = path.join(dir, 'model-check.js');
let check: (file: string) => Promise<void>;

before(() => {
  buildSync({ entryPoints: [path.resolve(__dirname, '../../src/model/model-check-worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
  const read = readModelInWorker(script);
  check = (file) => checkModelFile(file, read);
});

test('a BitNet model made by the project writer passes the check on a worker thread', async () => {
  await check(writeSmallModel());
});

test('a truncated model is rejected with the reader’s message and the file’s path', async () => {
  const whole = fs.readFileSync(writeSmallModel());
  const file = path.join(dir, 'cut.gguf');
  fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
  await assert.rejects(check(file), (err: ModelFileError) => {
    assert.equal(err.code, 'INVALID');
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, /truncat|end of the file|bytes/i);
    return true;
  });
});

test('a file that is not a GGUF at all is rejected as such', async () => {
  const file = path.join(dir, 'notes.gguf');
  fs.writeFileSync(file, 'these are my notes, not a model');
  await assert.rejects(check(file), /notes\.gguf .*GGUF/);
});

test('a missing file is reported before any worker starts', async () => {
  await assert.rejects(check(path.join(dir, 'gone.gguf')), (err: ModelFileError) => err.code === 'MISSING');
});
