// Two VS Code windows share the global storage folder: only one may write a
// download's part file. The lock is `<dest>.lock`, created exclusively, holding
// the owner's pid and a random id. The owner touches it every few seconds; a
// lock whose owner is gone or whose heartbeat stopped is stale and taken over.
// The heartbeat is what makes it robust to pid reuse: after a crash, the pid
// may soon belong to an unrelated live process, but nothing touches the lock.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { DownloadError, fromSystemError } from './download-error';

/** A lock not touched for this long is stale even if its pid is alive. */
export const LOCK_STALE_MS = 30_000;

interface LockOwner {
  pid: number;
  id: string;
}

/** Takes the lock of `dest` or throws BUSY; returns the function that releases it. */
export function lockDownload(dest: string, staleMs = LOCK_STALE_MS): () => void {
  const lock = `${dest}.lock`;
  const me: LockOwner = { pid: process.pid, id: randomUUID() };
  for (let tries = 0; ; tries++) {
    try {
      fs.writeFileSync(lock, JSON.stringify(me), { flag: 'wx' });
      return holdLock(lock, me, staleMs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fromSystemError(err, '', lock);
    }
    const seen = readLock(lock);
    if (tries === 0 && seen !== undefined && isStale(seen, staleMs)) {
      // Remove it only if it is still the lock judged stale, not one a third window just took.
      if (readLock(lock)?.text === seen.text) fs.rmSync(lock, { force: true });
      continue;
    }
    if (tries === 0 && seen === undefined) continue; // removed in between: the next try takes it
    throw new DownloadError('BUSY', 'The model is already being downloaded in another VS Code window.');
  }
}

/** Keeps the lock fresh until released; releasing removes it only if it is still ours. */
function holdLock(lock: string, me: LockOwner, staleMs: number): () => void {
  const touch = (): void => {
    const now = new Date();
    try {
      fs.utimesSync(lock, now, now);
    } catch {
      // Gone (deleted by hand): the download goes on; the next one takes a new lock.
    }
  };
  const heartbeat = setInterval(touch, Math.max(10, Math.floor(staleMs / 6)));
  heartbeat.unref();
  return () => {
    clearInterval(heartbeat);
    if (parseOwner(readLock(lock)?.text)?.id === me.id) fs.rmSync(lock, { force: true });
  };
}

function readLock(lock: string): { text: string; mtimeMs: number } | undefined {
  try {
    return { text: fs.readFileSync(lock, 'utf8'), mtimeMs: fs.statSync(lock).mtimeMs };
  } catch {
    return undefined;
  }
}

function isStale(seen: { text: string; mtimeMs: number }, staleMs: number): boolean {
  if (Date.now() - seen.mtimeMs > staleMs) return true;
  // A bare pid is what older versions wrote; an empty lock is one being written right now.
  const pid = parseOwner(seen.text)?.pid ?? Number(seen.text.trim() || NaN);
  return Number.isInteger(pid) && pid > 0 && !processAlive(pid);
}

function parseOwner(text: string | undefined): LockOwner | undefined {
  try {
    const owner = JSON.parse(text ?? '') as LockOwner;
    return typeof owner?.pid === 'number' && typeof owner.id === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
