import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { ModelFileError, checkModelFile } from '../../src/model/check-model-file';
import { writeSmallModel } from '../helpers/model-files';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-check-'));

function rejectsWith(code: ModelFileError['code'], pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ModelFileError);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

test('a missing model file is reported as missing, with its path', async () => {
  const file = path.join(dir, 'nope.gguf');
  await assert.rejects(checkModelFile(file, readBitnetModel), rejectsWith('MISSING', /nope\.gguf does not exist/));
});

test('a folder is not accepted as a model file', async () => {
  await assert.rejects(checkModelFile(dir, readBitnetModel), rejectsWith('NOT_A_FILE', /is not a file/));
});

test('a real BitNet model passes', async () => {
  await checkModelFile(writeSmallModel(), readBitnetModel);
});

test("the GGUF reader's complaint is passed on with the file's path", async () => {
  const file = path.join(dir, 'bad.gguf');
  fs.writeFileSync(file, 'not a gguf');
  await assert.rejects(checkModelFile(file, readBitnetModel), rejectsWith('INVALID', /bad\.gguf .*GGUF/));
});
