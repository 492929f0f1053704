import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockDownload } from '../../src/model/download-lock';
import { DownloadError } from '../../src/model/download-error';

function tempDest(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-lock-')), 'ggml-model-i2_s.gguf');
}

/** A live process that has nothing to do with any download: what a reused pid points at. */
const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
after(() => unrelated.kill());

function busy(err: unknown): boolean {
  assert.ok(err instanceof DownloadError);
  assert.equal(err.code, 'BUSY');
  return true;
}

test('a stale lock whose pid now belongs to an unrelated live process does not block the download', () => {
  const dest = tempDest();
  fs.writeFileSync(`${dest}.lock`, JSON.stringify({ pid: unrelated.pid, id: 'from-a-crashed-window' }));
  const old = new Date(Date.now() - 10 * 60_000);
  fs.utimesSync(`${dest}.lock`, old, old);
  const release = lockDownload(dest);
  release();
  assert.ok(!fs.existsSync(`${dest}.lock`));
});

test('a lock in the old format (a bare pid) that was reused is taken over too', () => {
  const dest = tempDest();
  fs.writeFileSync(`${dest}.lock`, String(unrelated.pid));
  const old = new Date(Date.now() - 10 * 60_000);
  fs.utimesSync(`${dest}.lock`, old, old);
  lockDownload(dest)();
});

test('a lock held by a running download stays fresh past the stale age, so other windows keep getting BUSY', async () => {
  const dest = tempDest();
  const release = lockDownload(dest, 300);
  await new Promise((r) => setTimeout(r, 900));
  assert.throws(() => lockDownload(dest, 300), busy);
  release();
  lockDownload(dest, 300)();
});

test('a fresh lock of a live process is respected', () => {
  const dest = tempDest();
  fs.writeFileSync(`${dest}.lock`, JSON.stringify({ pid: unrelated.pid, id: 'another-window' }));
  assert.throws(() => lockDownload(dest), busy);
});

test('a lock whose process is gone is taken over at once', () => {
  const dest = tempDest();
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  fs.writeFileSync(`${dest}.lock`, JSON.stringify({ pid: gone, id: 'killed' }));
  lockDownload(dest)();
});

test('releasing never removes a lock another window has taken since', () => {
  const dest = tempDest();
  const release = lockDownload(dest);
  fs.writeFileSync(`${dest}.lock`, JSON.stringify({ pid: unrelated.pid, id: 'another-window' }));
  release();
  assert.ok(fs.existsSync(`${dest}.lock`));
});
