// The download facing a hostile or broken server: where the token may go, how
// many bytes it may write, how slow it may be, and what may be renamed into
// place. Real HTTP(S) servers on 127.0.0.1, the real model check on a worker.
import { test, afterEach, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { checkModelDownloadInWorker } from '../../src/model/run-model-check';
import { downloadFile, partPath, type ContentCheck, type DownloadOptions } from '../../src/model/download';
import { DownloadError } from '../../src/model/download-error';
import { statusText, type DownloadStatus } from '../../src/model/download-status';
import { writeSmallModel } from '../helpers/model-files';
import { serveFile, startServer, testCertificate, type Served } from './file-server';

const SHAPE = { embeddingLength: 1024, feedForwardLength: 2048, blockCount: 1, headCount: 8, headCountKv: 2, contextLength: 256 };
const BODY = fs.readFileSync(writeSmallModel({ shape: SHAPE, seed: 1 }));

let modelCheck: ContentCheck;
before(() => {
  // The extension runs the check from its esbuild bundle; build the same entry here.
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-check-')), 'model-check.js');
  buildSync({ entryPoints: [path.resolve(__dirname, '../../src/model/model-check-worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
  modelCheck = checkModelDownloadInWorker(script);
  https.globalAgent.options.ca = testCertificate().cert;
});

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
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-dl-')), 'models', 'ggml-model-i2_s.gguf');
}

function options(url: string, dest: string, extra: Partial<DownloadOptions> = {}): DownloadOptions {
  return { url, dest, retryDelayMs: 0, progressIntervalMs: 0, connectTimeoutMs: 2000, idleTimeoutMs: 2000, ...extra };
}

function filesIn(dest: string): string[] {
  return fs.existsSync(path.dirname(dest)) ? fs.readdirSync(path.dirname(dest)).sort() : [];
}

function rejectsWith(code: DownloadError['code'], words?: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof DownloadError, `expected a DownloadError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (words) assert.match(err.message, words);
    return true;
  };
}

/** Streams `bytes` (repeated) with no Content-Length until the client goes away. */
function endless(res: http.ServerResponse, head: Buffer = Buffer.alloc(0), headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...headers });
  res.write(head);
  const chunk = Buffer.alloc(65536, 0x41);
  const more = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', more);
  };
  res.on('close', () => res.removeAllListeners('drain'));
  more();
}

test('the token goes over https to the endpoint, and an https → http redirect on the same host is refused before any request', async () => {
  const plain = await server((req, res) => serveFile(req, res, BODY));
  const port = new URL(plain.origin).port;
  const hub = await server((req, res) => res.writeHead(302, { Location: `http://127.0.0.1:${port}/model.gguf` }).end(), '127.0.0.1', true);
  const dest = tempDest();
  await assert.rejects(
    downloadFile(options(`${hub.origin}/model.gguf`, dest, { token: 'hf_secret' })),
    rejectsWith('INSECURE', /from https to plain http/),
  );
  assert.equal(hub.requests[0].authorization, 'Bearer hf_secret');
  assert.equal(plain.requests.length, 0, 'the plain-http server was never asked, so it never saw the token');
  assert.deepEqual(filesIn(dest), []);
});

test('a token is never sent over plain http, and a 401 then says why', async () => {
  const s = await server((req, res) => (req.headers.authorization ? serveFile(req, res, BODY) : res.writeHead(401).end()));
  const dest = tempDest();
  await assert.rejects(
    downloadFile(options(`${s.origin}/model.gguf`, dest, { token: 'hf_secret' })),
    rejectsWith('UNAUTHORIZED', /only sent over https/),
  );
  assert.ok(s.requests.every((h) => h.authorization === undefined));
});

test('a server announcing 10 GB is refused before a byte is written', async () => {
  const s = await server((req, res) => endless(res, undefined, { 'Content-Length': String(10e9) }));
  const dest = tempDest();
  await assert.rejects(
    downloadFile(options(`${s.origin}/model.gguf`, dest, { maxBytes: 2 * BODY.length })),
    rejectsWith('SIZE', /announced a file of 10000\.0 MB/),
  );
  assert.deepEqual(filesIn(dest).filter((f) => f.endsWith('.part')), []);
});

test('a response with no length stops at the cap, and what it wrote is deleted', async () => {
  const s = await server((req, res) => endless(res));
  const dest = tempDest();
  const seen: number[] = [];
  await assert.rejects(
    downloadFile(options(`${s.origin}/model.gguf`, dest, { maxBytes: 1_000_000, onProgress: (p) => seen.push(p.bytesDone) })),
    rejectsWith('SIZE', /more than the 1\.0 MB expected/),
  );
  assert.ok(Math.max(...seen) <= 1_000_000, `wrote ${Math.max(...seen)} bytes`);
  assert.deepEqual(filesIn(dest), []);
});

test('once the model header has arrived, the size it implies is the cap', async () => {
  // A real model's bytes, then garbage forever with no length.
  const s = await server((req, res) => endless(res, BODY));
  const dest = tempDest();
  const seen: number[] = [];
  await assert.rejects(
    downloadFile(options(`${s.origin}/model.gguf`, dest, { content: modelCheck, onProgress: (p) => seen.push(p.bytesDone) })),
    rejectsWith('SIZE', new RegExp(`more than the ${BODY.length} bytes its header says`)),
  );
  assert.ok(Math.max(...seen) <= BODY.length);
  assert.deepEqual(filesIn(dest), []);
});

test('free space is checked before the transfer, and the message says how much is needed', async () => {
  const s = await server((req, res) => endless(res));
  const dest = tempDest();
  await assert.rejects(
    downloadFile(options(`${s.origin}/model.gguf`, dest, { maxBytes: 2 ** 52 })),
    rejectsWith('DISK_FULL', /Not enough disk space for the model: [\d.]+ MB needed, [\d.]+ MB free/),
  );
  assert.ok(s.bytesSent[0] < 2 ** 30);
  assert.deepEqual(filesIn(dest).filter((f) => f.endsWith('.part') && fs.statSync(path.join(path.dirname(dest), f)).size > 0), []);
});

test('a server trickling bytes below the minimum rate fails with a message that says so, after the retries', async () => {
  const timers: NodeJS.Timeout[] = [];
  const s = await server((req, res) => {
    res.writeHead(200, { 'Content-Length': BODY.length });
    let at = 0;
    const timer = setInterval(() => res.write(BODY.subarray(at, ++at)), 20);
    timers.push(timer);
    res.on('close', () => clearInterval(timer));
  });
  const dest = tempDest();
  const statuses: DownloadStatus[] = [];
  await assert.rejects(
    downloadFile(options(`${s.origin}/model.gguf`, dest, { minBytesPerSecond: 1000, rateWindowMs: 300, maxAttempts: 2, onStatus: (x) => statuses.push(x) })),
    rejectsWith('SLOW', /too slow: [\d.]+ kB\/s over the last 0\.3 s, below the 1\.0 kB\/s it needs/),
  );
  timers.forEach(clearInterval);
  assert.equal(s.requests.length, 2, 'the slow attempt was retried, and counted although bytes arrived');
  assert.deepEqual(statuses.map((x) => x.kind), ['connecting', 'retrying', 'connecting']);
});

test('with no pinned hash, a 25-byte web page served with 200 is never renamed into place', async () => {
  const s = await server((req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>Please log in</html>'));
  const dest = tempDest();
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest, { content: modelCheck })), rejectsWith('NOT_MODEL', /web page/));
  assert.deepEqual(filesIn(dest), []);
});

test('with no pinned hash, a body cut at 1 MB (its own length consistent) is never renamed into place', async () => {
  const cut = BODY.subarray(0, 1_000_000);
  const s = await server((req, res) => serveFile(req, res, cut));
  const dest = tempDest();
  await assert.rejects(downloadFile(options(`${s.origin}/model.gguf`, dest, { content: modelCheck })), (err: DownloadError) => {
    assert.ok(err.code === 'SIZE' || err.code === 'NOT_MODEL', err.message);
    assert.match(err.message, new RegExp(`${BODY.length}`), 'the message gives the size the header implies');
    return true;
  });
  assert.deepEqual(filesIn(dest), []);
});

test('a model that passes the content check is put in place whole', async () => {
  const s = await server((req, res) => serveFile(req, res, BODY));
  const dest = tempDest();
  const statuses: DownloadStatus[] = [];
  await downloadFile(options(`${s.origin}/model.gguf`, dest, { content: modelCheck, maxBytes: 2 * BODY.length, onStatus: (x) => statuses.push(x) }));
  assert.ok(fs.readFileSync(dest).equals(BODY));
  assert.ok(!fs.existsSync(partPath(dest)));
  assert.deepEqual(statuses.map((x) => x.kind), ['connecting', 'checking']);
});

test('offline, the status says which host it is connecting to and which try this is', async () => {
  const s = await server(() => undefined);
  const url = `${s.origin}/model.gguf`;
  await s.close();
  servers.splice(servers.indexOf(s), 1);
  const texts: string[] = [];
  await assert.rejects(
    downloadFile(options(url, tempDest(), { maxAttempts: 3, retryDelayMs: 10, onStatus: (x) => texts.push(statusText(x)) })),
    rejectsWith('NETWORK'),
  );
  const host = new URL(url).host;
  assert.deepEqual(texts, [
    `connecting to ${host}…`,
    `${host} refused the connection. Check your internet connection and proxy settings. Trying again in 0 s (try 2 of 3).`,
    `connecting to ${host}… try 2 of 3`,
    `${host} refused the connection. Check your internet connection and proxy settings. Trying again in 0 s (try 3 of 3).`,
    `connecting to ${host}… try 3 of 3`,
  ]);
});

test('a DNS lookup with no answer (offline) is worth another try; a host name that does not exist is not', async () => {
  const { fromSystemError } = await import('../../src/model/download-error');
  const offline = fromSystemError(Object.assign(new Error('getaddrinfo EAI_AGAIN huggingface.co'), { code: 'EAI_AGAIN' }), 'https://huggingface.co/x', '/tmp/x');
  assert.equal(offline.transient, true);
  assert.match(offline.message, /no answer from DNS/);
  const missing = fromSystemError(Object.assign(new Error('getaddrinfo ENOTFOUND nope.invalid'), { code: 'ENOTFOUND' }), 'https://nope.invalid/x', '/tmp/x');
  assert.equal(missing.transient, false);
});
