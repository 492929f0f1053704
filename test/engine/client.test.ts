import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient, EngineError } from '../../src/engine/client';
import { addonCandidates, platformTag } from '../../src/engine/addon-loader';

const root = path.resolve(__dirname, '../..');

/** A copy of the extension's layout in a temp folder, with the dist bundles. */
function fakeExtension(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-ext-'));
  fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  return dir;
}

/** The addon this checkout built (prebuilt or local). */
function builtAddon(): string {
  const [first] = addonCandidates(root);
  assert.ok(first, 'build the addon first: npm run build:native');
  return first;
}

test('the engine worker answers hello with the addon version and CPU features', async () => {
  const client = new EngineClient(root);
  try {
    const hello = await client.request('hello', {});
    assert.match(hello.addonVersion, /^\d+\.\d+\.\d+$/);
    assert.equal(hello.platform, platformTag());
    assert.ok(hello.cpu.logicalCores >= 1);
    assert.equal(hello.cpu.arch, process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : 'other');
  } finally {
    await client.dispose();
  }
});

test('a missing addon gives one clear error naming the platform, not a crash', async () => {
  const client = new EngineClient(fakeExtension());
  await assert.rejects(client.request('hello', {}), (err: EngineError) => {
    assert.equal(err.code, 'ADDON_LOAD_FAILED');
    assert.match(err.message, new RegExp(`could not be loaded on ${platformTag()}`));
    return true;
  });
  await client.dispose();
});

test('a corrupt prebuilt binary is reported with its path and the extension can still ask again', async () => {
  const dir = fakeExtension();
  const prebuilds = path.join(dir, 'prebuilds', platformTag());
  fs.mkdirSync(prebuilds, { recursive: true });
  fs.writeFileSync(path.join(prebuilds, 'bitnet-vscode.node'), 'this is not a shared library');
  const client = new EngineClient(dir);
  await assert.rejects(client.request('hello', {}), /bitnet-vscode\.node/);
  // Once a working binary is in place, the next request starts the engine.
  fs.copyFileSync(builtAddon(), path.join(prebuilds, 'bitnet-vscode.node'));
  const hello = await client.request('hello', {});
  assert.equal(hello.platform, platformTag());
  await client.dispose();
});

test('the prebuilt binary is preferred over a local build', () => {
  const dir = fakeExtension();
  const prebuilds = path.join(dir, 'prebuilds', platformTag());
  fs.mkdirSync(prebuilds, { recursive: true });
  fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(builtAddon(), path.join(prebuilds, 'bitnet-vscode.node'));
  fs.copyFileSync(builtAddon(), path.join(dir, 'build', 'Release', 'bitnet.node'));
  const candidates = addonCandidates(dir);
  assert.deepEqual(candidates, [
    path.join(prebuilds, 'bitnet-vscode.node'),
    path.join(dir, 'build', 'Release', 'bitnet.node'),
  ]);
});
