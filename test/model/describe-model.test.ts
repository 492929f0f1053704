import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeModel, formatSize } from '../../src/model/describe-model';

test('the model description names the file, its size and whether it is the downloaded copy', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-describe-'));
  const file = path.join(dir, 'ggml-model-i2_s.gguf');
  fs.writeFileSync(file, Buffer.alloc(2_500_000));
  const d = describeModel(file, file)!;
  assert.equal(d.fileName, 'ggml-model-i2_s.gguf');
  assert.equal(d.folder, dir);
  assert.equal(d.sizeBytes, 2_500_000);
  assert.equal(d.sizeText, '2.5 MB');
  assert.equal(d.downloaded, true);
  assert.equal(d.summary, `ggml-model-i2_s.gguf (2.5 MB), downloaded copy in ${dir}`);
  assert.equal(describeModel(file, path.join(dir, 'other.gguf'))!.downloaded, false);
  assert.match(describeModel(file)!.summary, /from bitnet\.modelPath/);
});

test('a missing file or a folder has no description', () => {
  assert.equal(describeModel(path.join(os.tmpdir(), 'no-such-model.gguf')), undefined);
  assert.equal(describeModel(os.tmpdir()), undefined);
});

test('sizes read like a file manager shows them', () => {
  assert.equal(formatSize(1_187_979_264), '1.19 GB');
  assert.equal(formatSize(999), '999 B');
  assert.equal(formatSize(12_345), '12.3 kB');
});
