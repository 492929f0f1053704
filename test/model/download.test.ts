import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBitnetModel } from '../../src/model-file/bitnet-model';
import { downloadFile, partPath, partialBytes, type DownloadOptions } from '../../src/model/download';
import { DownloadError } from '../../src/model/download-error';
import type { DownloadProgress } from '../../src/model/progress-meter';
import { writeSmallModel } from '../helpers/model-files';
import { serveFile, startServer, testCertificate, type Served } from './file-server';

// A BitNet GGUF of about 2.8 MB from the project's writer: big enough for
// many chunks, small enough to keep the suite fast.
const SHAPE = { embeddingLength: 1024, feedForwardLength: 2048, blockCount: 1, headCount: 8, headCountKv: 2, contextLength: 256 };
const model = (seed: number, blockCount = 1): Buffer => fs.readFileSync(writeSmallModel({ shape: { ...SHAPE, blockCount }, seed }));
const BODY = model(1);
const SHA = createHash('sha256').update(BODY).digest('hex');
const HALF = Math.floor(BODY.length / 2);

const servers: Served[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(...args: Parameters<typeof startServer>): Promise<Served> {
  const s = await startServer(...args);
  servers.push(s);
  return s;
}

function tempDest(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-dl-'));
  return path.join(dir, 'models', 'ggml-model-i2_s.gguf');
}

/** Fast test settings: no waiting between retries, short timeouts. */
function options(url: string, dest: string, extra: Partial<DownloadOptions> = {}): DownloadOptions {
  return { url, dest, sha256: SHA, retryDelayMs: 0, progressIntervalMs: 0, connectTimeoutMs: 2000, idleTimeoutMs: 2000, ...extra };
}

function assertCode(code: DownloadError['code']): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof DownloadError, `expected a DownloadError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  };
}

function filesIn(dest: string): string[] {
  return fs.existsSync(path.dirname(dest)) ? fs.readdirSync(path.dirname(dest)).sort() : [];
}

/** Starts a download, cancels it once `bytes` have arrived, and returns the error. */
async function cancelAfter(url: string, dest: string, bytes: number): Promise<unknown> {
  const controller = new AbortController();
  const onProgress = (p: DownloadProgress): void => {
    if (p.bytesDone >= bytes) controller.abort();
  };
  return downloadFile(options(url, dest, { signal: controller.signal, onProgress })).then(
    () => assert.fail('the download should have been cancelled'),
    (err: unknown) => err,
  );
}

test('a full download puts the exact bytes in place and leaves no temporary files', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY, { etag: '"v1"' }));
  const dest = tempDest();
  const progress: DownloadProgress[] = [];
  const result = await downloadFile(options(`${s.origin}/model.gguf`, dest, { onProgress: (p) => progress.push(p) }));
  assert.ok(fs.readFileSync(dest).equals(BODY));
  assert.equal(readBitnetModel(dest).fileSize, BODY.length, 'the GGUF reader accepts the downloaded model');
  assert.deepEqual(filesIn(dest), ['ggml-model-i2_s.gguf']);
  assert.equal(result.sha256, SHA);
  assert.equal(result.bytes, BODY.length);
  assert.equal(result.resumedFrom, 0);
  // Progress counts up to the total, which the server announced.
  assert.ok(progress.length > 2);
  assert.ok(progress.every((p, i) => p.totalBytes === BODY.length && (i === 0 || p.bytesDone >= progress[i - 1].bytesDone)));
  assert.equal(progress.at(-1)!.bytesDone, BODY.length);
  assert.equal(s.requests[0]['accept-encoding'], 'identity');
});

test('when the server drops the connection half way, the download resumes from the bytes it has', async () => {
  const s = await server((req, res, n) => serveFile(req, res, BODY, { etag: '"v1"', stopAfter: n === 0 ? { bytes: HALF, then: 'drop' } : undefined }));
  const dest = tempDest();
  const result = await downloadFile(options(`${s.origin}/model.gguf`, dest));
  assert.ok(fs.readFileSync(dest).equals(BODY));
  assert.equal(s.requests.length, 2);
  const from = Number(/^bytes=(\d+)-$/.exec(s.requests[1].range ?? '')?.[1]);
  assert.ok(from > 0 && from <= HALF, `resumed from ${from}`);
  assert.equal(s.requests[1]['if-range'], '"v1"');
  assert.equal(s.bytesSent[1], BODY.length - from, 'the second request only carried the missing bytes');
  assert.equal(result.sha256, SHA);
  assert.deepEqual(filesIn(dest), ['ggml-model-i2_s.gguf']);
});

test('a cancelled download stops the transfer, promotes nothing and keeps its part for later', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY, { etag: '"v1"', stopAfter: { bytes: HALF, then: 'stall' } }));
  const dest = tempDest();
  const err = await cancelAfter(`${s.origin}/model.gguf`, dest, 300_000);
  assertCode('CANCELLED')(err);
  assert.ok(!fs.existsSync(dest), 'no file at the final path');
  assert.ok(partialBytes(dest) > 0, 'the part stays for a resume');
  // The connection really closed (the server would otherwise wait forever).
  await waitFor(() => s.closedEarly === 1);
});

test('a part left from a different URL is not trusted and the download starts over', async () => {
  const old = await server((req, res) => serveFile(req, res, BODY, { etag: '"v1"', stopAfter: { bytes: HALF, then: 'stall' } }));
  const dest = tempDest();
  assertCode('CANCELLED')(await cancelAfter(`${old.origin}/model.gguf`, dest, 200_000));
  assert.ok(partialBytes(dest) > 0);
  const s = await server((req, res) => serveFile(req, res, BODY, { etag: '"v1"' }));
  const result = await downloadFile(options(`${s.origin}/model.gguf`, dest));
  assert.equal(result.resumedFrom, 0);
  assert.equal(s.requests[0].range, undefined);
  assert.ok(fs.readFileSync(dest).equals(BODY));
});

test('a restart with the same URL resumes from the part and the whole file is hash-checked', async () => {
  let stall = true;
  const s = await server((req, res) => serveFile(req, res, BODY, { etag: '"v1"', stopAfter: stall ? { bytes: HALF, then: 'stall' } : undefined }));
  const dest = tempDest();
  assertCode('CANCELLED')(await cancelAfter(`${s.origin}/model.gguf`, dest, 200_000));
  const kept = partialBytes(dest);
  stall = false;
  const result = await downloadFile(options(`${s.origin}/model.gguf`, dest));
  assert.equal(result.resumedFrom, kept);
  assert.equal(s.requests[1].range, `bytes=${kept}-`);
  assert.equal(s.bytesSent[1], BODY.length - kept);
  assert.equal(result.sha256, SHA);
  assert.ok(fs.readFileSync(dest).equals(BODY));
});

test('a corrupted part is caught by the hash on resume and removed', async () => {
  let stall = true;
  const s = await server((req, res) => serveFile(req, res, BODY, { etag: '"v1"', stopAfter: stall ? { bytes: HALF, then: 'stall' } : undefined }));
  const dest = tempDest();
  assertCode('CANCELLED')(await cancelAfter(`${s.origin}/model.gguf`, dest, 200_000));
  // Flip a byte in the part, as a bad disk or a crash might.
  const fd = fs.openSync(partPath(dest), 'r+');
  fs.writeSync(fd, Buffer.from([BODY[10] ^ 0xff]), 0, 1, 10);
  fs.closeSync(fd);
  stall = false;
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest)), assertCode('CHECKSUM'));
  assert.deepEqual(filesIn(dest), [], 'neither the file nor the part is left');
});

test('a server without Range support makes the download start again from zero', async () => {
  const s = await server((req, res, n) => serveFile(req, res, BODY, { ranges: false, stopAfter: n === 0 ? { bytes: HALF, then: 'drop' } : undefined }));
  const dest = tempDest();
  await downloadFile(options(`${s.origin}/model.gguf`, dest));
  assert.ok(s.requests[1].range, 'the client asked for the rest');
  assert.equal(s.bytesSent[1], BODY.length, 'the server sent everything again');
  assert.ok(fs.readFileSync(dest).equals(BODY), 'and the file is not the old half plus a whole copy');
});

test('redirects are followed across hosts, and the token is not sent to the other host', async () => {
  https.globalAgent.options.ca = testCertificate().cert;
  const cdn = await server((req, res) => serveFile(req, res, BODY), 'localhost', true);
  const hub = await server(
    (req, res) => {
      if (req.url === '/model.gguf') res.writeHead(302, { Location: '/resolved/model.gguf' }).end();
      else res.writeHead(307, { Location: `${cdn.origin}/signed?x=1` }).end();
    },
    '127.0.0.1',
    true,
  );
  const dest = tempDest();
  await downloadFile(options(`${hub.origin}/model.gguf`, dest, { token: 'hf_secret' }));
  assert.ok(fs.readFileSync(dest).equals(BODY));
  assert.equal(hub.requests.length, 2);
  assert.ok(hub.requests.every((h) => h.authorization === 'Bearer hf_secret'));
  assert.equal(cdn.requests[0].authorization, undefined);
});

test('a redirect loop stops with a clear error', async () => {
  const s = await server((req, res) => res.writeHead(302, { Location: '/again' }).end());
  const dest = tempDest();
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest, { maxRedirects: 5 })), (err: DownloadError) => {
    assertCode('TOO_MANY_REDIRECTS')(err);
    assert.match(err.message, /more than 5 times/);
    return true;
  });
  assert.equal(s.requests.length, 6);
  assert.deepEqual(filesIn(dest), []);
});

test('404, 401 and 403 each give their own message and leave nothing on disk', async () => {
  for (const [status, code, words] of [
    [404, 'NOT_FOUND', /not found.*bitnet\.download\.endpoint/],
    [401, 'UNAUTHORIZED', /401 Unauthorized.*token/],
    [403, 'FORBIDDEN', /403 Forbidden.*access/],
  ] as const) {
    const s = await server((req, res) => res.writeHead(status).end('no'));
    const dest = tempDest();
    await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest)), (err: DownloadError) => {
      assertCode(code)(err);
      assert.equal(err.status, status);
      assert.match(err.message, words);
      return true;
    });
    assert.equal(s.requests.length, 1, 'client errors are not retried');
    assert.deepEqual(filesIn(dest), []);
  }
});

test('a file with the wrong checksum is rejected and its part removed', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY));
  const dest = tempDest();
  const wrong = 'ab'.repeat(32);
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest, { sha256: wrong })), (err: DownloadError) => {
    assertCode('CHECKSUM')(err);
    assert.ok(err.message.includes(SHA) && err.message.includes(wrong));
    return true;
  });
  assert.deepEqual(filesIn(dest), []);
});

test('a checksum mismatch says so when the hub itself lists the hash of the file received', async () => {
  const cdn = await server((req, res) => serveFile(req, res, BODY));
  const hub = await server((req, res) => res.writeHead(302, { Location: `${cdn.origin}/blob`, 'X-Linked-Etag': `"${SHA}"` }).end());
  const dest = tempDest();
  await assert.rejects(downloadFile(options(`${hub.origin}/model.gguf`, dest, { sha256: 'cd'.repeat(32) })), (err: DownloadError) => {
    assertCode('CHECKSUM')(err);
    assert.match(err.message, new RegExp(`server lists the same hash.*set "bitnet\\.download\\.sha256" to ${SHA}`));
    return true;
  });
  assert.deepEqual(filesIn(dest), []);
});

test('when the remote file changed (new ETag) the server sends it whole and the old part is dropped', async () => {
  let body = BODY;
  let etag = '"v1"';
  let stall = true;
  const s = await server((req, res) => serveFile(req, res, body, { etag, stopAfter: stall ? { bytes: HALF, then: 'stall' } : undefined }));
  const dest = tempDest();
  assertCode('CANCELLED')(await cancelAfter(`${s.origin}/model.gguf`, dest, 200_000));
  body = model(2, 2);
  etag = '"v2"';
  stall = false;
  const sha = createHash('sha256').update(body).digest('hex');
  await downloadFile(options(`${s.origin}/model.gguf`, dest, { sha256: sha }));
  assert.equal(s.requests[1]['if-range'], '"v1"');
  assert.ok(fs.readFileSync(dest).equals(body));
});

test('a server that ignores If-Range but reports a new ETag or size makes the download start over', async () => {
  for (const change of ['etag', 'size'] as const) {
    let body = BODY;
    let etag = '"v1"';
    let stall = true;
    const s = await server((req, res) =>
      serveFile(req, res, body, { etag, ifRange: false, stopAfter: stall ? { bytes: HALF, then: 'stall' } : undefined }),
    );
    const dest = tempDest();
    assertCode('CANCELLED')(await cancelAfter(`${s.origin}/model.gguf`, dest, 200_000));
    body = change === 'size' ? model(3, 2) : model(3);
    assert.equal(body.length === BODY.length, change === 'etag');
    if (change === 'etag') etag = '"v2"';
    stall = false;
    const sha = createHash('sha256').update(body).digest('hex');
    await downloadFile(options(`${s.origin}/model.gguf`, dest, { sha256: sha }));
    assert.ok(s.requests[1].range, 'it first tried to resume');
    assert.equal(s.requests[2].range, undefined, 'then asked for the whole new file');
    assert.ok(fs.readFileSync(dest).equals(body), `new file in place after a ${change} change`);
  }
});

test('a server that never answers times out with a clear message', async () => {
  const s = await server(() => {
    /* accept the request and say nothing */
  });
  const dest = tempDest();
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest, { connectTimeoutMs: 200, maxAttempts: 2 })), (err: DownloadError) => {
    assertCode('TIMEOUT')(err);
    assert.match(err.message, /did not answer within/);
    return true;
  });
  assert.equal(s.requests.length, 2, 'a timeout is retried before giving up');
  assert.deepEqual(filesIn(dest).filter((f) => !f.endsWith('.part') && !f.endsWith('.json')), []);
});

test('a server that stalls mid-file hits the idle timeout and the download resumes on the next attempt', async () => {
  const s = await server((req, res, n) => serveFile(req, res, BODY, { etag: '"v1"', stopAfter: n === 0 ? { bytes: HALF, then: 'stall' } : undefined }));
  const dest = tempDest();
  await downloadFile(options(`${s.origin}/model.gguf`, dest, { idleTimeoutMs: 300 }));
  assert.ok(fs.readFileSync(dest).equals(BODY));
  assert.match(s.requests[1].range ?? '', /^bytes=[1-9]\d*-$/);
});

test('a stall with no retries left fails with a timeout and keeps the part', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY, { stopAfter: { bytes: HALF, then: 'stall' } }));
  const dest = tempDest();
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest, { idleTimeoutMs: 300, maxAttempts: 1 })), (err: DownloadError) => {
    assertCode('TIMEOUT')(err);
    assert.match(err.message, /sent no data for/);
    return true;
  });
  assert.ok(!fs.existsSync(dest));
  assert.ok(partialBytes(dest) > 0);
});

test('a host name that does not resolve is reported as a DNS failure', async () => {
  const dest = tempDest();
  await assert.rejects(downloadFile(options('http://bitnet-model.invalid/model.gguf', dest)), (err: DownloadError) => {
    assertCode('DNS')(err);
    assert.match(err.message, /Could not find the host bitnet-model\.invalid/);
    return true;
  });
});

test('a refused connection is retried, then reported as such', async () => {
  const s = await server(() => undefined);
  const url = `${s.origin}/model.gguf`;
  await s.close(); // nothing listens on that port any more
  servers.splice(servers.indexOf(s), 1);
  const dest = tempDest();
  await assert.rejects(downloadFile(options(url, dest, { maxAttempts: 3 })), (err: DownloadError) => {
    assertCode('NETWORK')(err);
    assert.match(err.message, /refused the connection/);
    return true;
  });
  assert.ok(!fs.existsSync(dest));
});

if (fs.existsSync('/dev/full')) {
  test('a full disk is reported as such, not as a network error', async () => {
    const s = await server((req, res) => serveFile(req, res, BODY));
    const dest = tempDest();
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    // /dev/full accepts the open and fails every write with ENOSPC.
    fs.symlinkSync('/dev/full', partPath(dest));
    await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest)), (err: DownloadError) => {
      assertCode('DISK_FULL')(err);
      assert.match(err.message, /disk is full/);
      return true;
    });
    assert.ok(!fs.existsSync(dest));
  });
}

test('a part that is already complete (crash before the rename) is verified and promoted without a transfer', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY, { etag: '"v1"' }));
  const dest = tempDest();
  // Recreate what a crash between the last byte and the rename leaves: the
  // whole file as a part, with its sidecar.
  await downloadFile(options(`${s.origin}/model.gguf`, dest));
  fs.renameSync(dest, partPath(dest));
  fs.writeFileSync(`${dest}.part.json`, JSON.stringify({ url: `${s.origin}/model.gguf`, etag: '"v1"', totalBytes: BODY.length }));
  const result = await downloadFile(options(`${s.origin}/model.gguf`, dest));
  assert.equal(s.requests.length, 1, 'no second request');
  assert.equal(result.resumedFrom, BODY.length);
  assert.ok(fs.readFileSync(dest).equals(BODY));
});

test('a second download of the same file while one runs (another window) is refused, not interleaved', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY, { stopAfter: { bytes: HALF, then: 'stall' } }));
  const dest = tempDest();
  const controller = new AbortController();
  let started!: () => void;
  const firstBytes = new Promise<void>((r) => (started = r));
  const first = downloadFile(options(`${s.origin}/model.gguf`, dest, { signal: controller.signal, onProgress: (p) => p.bytesDone > 0 && started() }));
  await firstBytes;
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest)), assertCode('BUSY'));
  controller.abort();
  await assert.rejects(first, assertCode('CANCELLED'));
  assert.equal(s.requests.length, 1);
  assert.ok(!fs.existsSync(`${dest}.lock`), 'the lock goes with the download');
});

test('a lock left by a VS Code that was killed does not block the download', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY));
  const dest = tempDest();
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  fs.writeFileSync(`${dest}.lock`, String(gone));
  await downloadFile(options(`${s.origin}/model.gguf`, dest));
  assert.ok(fs.readFileSync(dest).equals(BODY));
  assert.deepEqual(filesIn(dest), ['ggml-model-i2_s.gguf']);
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
