import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadedModelPath, expandModelPath, locateModel } from '../../src/model/model-location';

const ctx = { home: '/home/ada', workspaceFolder: '/work/project' };

test('~ and ${workspaceFolder} in bitnet.modelPath are expanded', () => {
  assert.equal(expandModelPath('~/models/m.gguf', ctx), path.normalize('/home/ada/models/m.gguf'));
  assert.equal(expandModelPath('${workspaceFolder}/models/m.gguf', ctx), path.normalize('/work/project/models/m.gguf'));
  assert.equal(expandModelPath('${userHome}/m.gguf', ctx), path.normalize('/home/ada/m.gguf'));
  assert.equal(expandModelPath('  /abs/m.gguf  ', ctx), path.normalize('/abs/m.gguf'));
});

test('a relative model path is taken from the workspace folder', () => {
  assert.equal(expandModelPath('models/m.gguf', ctx), path.normalize('/work/project/models/m.gguf'));
});

test('${workspaceFolder} or a relative path without an open folder is explained, not guessed', () => {
  assert.throws(() => expandModelPath('${workspaceFolder}/m.gguf', { home: '/h' }), /no folder is open/);
  assert.throws(() => expandModelPath('m.gguf', { home: '/h' }), /relative path .* no folder is open/);
});

test('the setting wins over the downloaded copy, which is used only when it exists', () => {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-storage-'));
  assert.deepEqual(locateModel('', storage, ctx), { kind: 'none' });
  const downloaded = downloadedModelPath(storage);
  fs.mkdirSync(path.dirname(downloaded), { recursive: true });
  fs.writeFileSync(downloaded, 'x');
  assert.deepEqual(locateModel('', storage, ctx), { kind: 'downloaded', path: downloaded });
  assert.deepEqual(locateModel('~/m.gguf', storage, ctx), { kind: 'setting', path: path.normalize('/home/ada/m.gguf') });
  const bad = locateModel('${workspaceFolder}/m.gguf', storage, { home: '/h' });
  assert.equal(bad.kind, 'invalid');
});
