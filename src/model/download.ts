// Downloads one large file over Node's http/https (the stack VS Code patches
// for its proxy settings) into `<dest>.part`, resuming with HTTP Range after an
// interruption or a restart, then verifies size and SHA-256 and renames the
// part into place. A partial or corrupt file never appears at `dest`.
//
// Files next to `dest`:
//   <dest>.part       the bytes received so far
//   <dest>.part.json  what the part belongs to (URL, ETag, Last-Modified,
//                     size), so a resume can tell that the remote file changed
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DownloadError, fromSystemError, httpStatusError } from './download-error';
import { ProgressMeter, type DownloadProgress } from './progress-meter';

export interface DownloadOptions {
  url: string;
  /** Final path of the file. */
  dest: string;
  /** Bearer token, sent only to the URL's own host (never to a CDN it redirects to). */
  token?: string;
  /** Expected SHA-256 (hex). When set, the file is hashed while it streams. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Longest wait for the response headers of one request. */
  connectTimeoutMs?: number;
  /** Longest time without a byte on the socket once connected. */
  idleTimeoutMs?: number;
  maxRedirects?: number;
  /** Attempts in a row that make no progress before giving up on a flaky network. */
  maxAttempts?: number;
  /** Wait before the first retry; doubles on each retry without progress. */
  retryDelayMs?: number;
  progressIntervalMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** The SHA-256 checked, when one was expected. */
  sha256: string | undefined;
  /** Bytes that were already on disk when this call started. */
  resumedFrom: number;
}

/** What `<dest>.part.json` holds. */
interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  totalBytes?: number;
}

export function partPath(dest: string): string {
  return `${dest}.part`;
}

function metaPath(dest: string): string {
  return `${dest}.part.json`;
}

/** Bytes of an unfinished download of `dest` on disk (0 if none). */
export function partialBytes(dest: string): number {
  try {
    return fs.statSync(partPath(dest)).size;
  } catch {
    return 0;
  }
}

/** Removes an unfinished download of `dest` and its sidecar. */
export async function removePartial(dest: string): Promise<void> {
  await fs.promises.rm(partPath(dest), { force: true });
  await fs.promises.rm(metaPath(dest), { force: true });
}

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  return new Downloader(options).run();
}

/** The state of the part file that carries over between attempts. */
interface PartState {
  meta: PartMeta | undefined;
  offset: number;
  hash: Hash | undefined;
  /** Bytes fed to `hash`: must equal `offset` before appending. */
  hashed: number;
}

type AttemptOutcome = 'done' | 'restart';

class Downloader {
  private readonly o: Required<Omit<DownloadOptions, 'token' | 'sha256' | 'signal' | 'onProgress'>> & DownloadOptions;
  /** Why this run destroyed a request (cancel, timeout), to report instead of the socket error it causes. */
  private readonly requestErrors = new WeakMap<http.ClientRequest, DownloadError>();
  private readonly part: string;
  private readonly meter = new ProgressMeter();
  private lastProgressAt = 0;
  private state: PartState = { meta: undefined, offset: 0, hash: undefined, hashed: 0 };
  /** The SHA-256 the hub lists for the file (`X-Linked-Etag` on its redirect), to explain a mismatch. */
  private listedSha256: string | undefined;

  constructor(options: DownloadOptions) {
    this.o = {
      ...options,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      maxRedirects: options.maxRedirects ?? 10,
      maxAttempts: options.maxAttempts ?? 5,
      retryDelayMs: options.retryDelayMs ?? 2000,
      progressIntervalMs: options.progressIntervalMs ?? 250,
      sha256: options.sha256?.toLowerCase(),
    };
    this.part = partPath(options.dest);
  }

  async run(): Promise<DownloadResult> {
    this.throwIfCancelled();
    await fs.promises.mkdir(path.dirname(this.o.dest), { recursive: true }).catch((e) => {
      throw fromSystemError(e, this.o.url, this.o.dest);
    });
    const unlock = lockDownload(this.o.dest);
    try {
      return await this.transfer();
    } finally {
      unlock();
    }
  }

  private async transfer(): Promise<DownloadResult> {
    await this.loadPart();
    const resumedFrom = this.state.offset;

    let failures = 0;
    let restarts = 0;
    for (;;) {
      const before = this.state.offset;
      let outcome: AttemptOutcome;
      try {
        outcome = await this.attempt();
      } catch (err) {
        const e = fromSystemError(err, this.o.url, this.part);
        if (this.o.signal?.aborted) throw cancelled();
        if (!e.transient) throw e;
        failures = this.state.offset > before ? 1 : failures + 1;
        if (failures >= this.o.maxAttempts) throw e;
        await delay(this.o.retryDelayMs * 2 ** (failures - 1), this.o.signal);
        continue;
      }
      if (outcome === 'done') break;
      // The remote file changed under the part: start over, but not forever.
      if (++restarts > 3) throw new DownloadError('HTTP', 'The remote file keeps changing during the download. Try again later.');
    }
    return this.promote(resumedFrom);
  }

  /** Reads what an earlier run left behind; anything inconsistent starts from zero. */
  private async loadPart(): Promise<void> {
    const meta = readMeta(this.o.dest);
    const size = partialBytes(this.o.dest);
    if (!meta || meta.url !== this.o.url || size === 0 || (meta.totalBytes !== undefined && size > meta.totalBytes)) {
      this.state = { meta: undefined, offset: 0, hash: this.newHash(), hashed: 0 };
      return;
    }
    this.state = { meta, offset: size, hash: this.newHash(), hashed: 0 };
  }

  private newHash(): Hash | undefined {
    return this.o.sha256 ? createHash('sha256') : undefined;
  }

  /** Feeds the bytes already on disk to the hash, so a resumed file is checked whole. */
  private async hashExistingPart(): Promise<void> {
    const s = this.state;
    if (!s.hash || s.hashed === s.offset) return;
    s.hash = this.newHash();
    s.hashed = 0;
    const stream = fs.createReadStream(this.part, { start: 0, end: s.offset - 1, highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      this.throwIfCancelled();
      s.hash!.update(chunk);
      s.hashed += chunk.length;
    }
    if (s.hashed !== s.offset) throw new DownloadError('FILE', `Could not re-read the partial download ${this.part}.`);
  }

  private async attempt(): Promise<AttemptOutcome> {
    const s = this.state;
    // A part whose size matches the announced total needs no request: an
    // earlier run died between the last byte and the rename.
    if (s.meta?.totalBytes !== undefined && s.offset === s.meta.totalBytes && s.offset > 0) {
      await this.hashExistingPart();
      return 'done';
    }
    if (s.offset > 0) {
      // Re-read the part if the bytes on disk are not the bytes hashed (first
      // attempt of this run, or a write that failed half way).
      s.offset = Math.min(s.offset, partialBytes(this.o.dest));
      this.report(true);
      await this.hashExistingPart();
    }

    const { res, req } = await this.request(s.offset > 0 ? s.offset : undefined);
    try {
      const plan = this.planFromResponse(res);
      if (plan === 'restart') {
        await this.startOver();
        return 'restart';
      }
      if (plan === 'complete') return 'done';
      await this.receive(res, req, plan);
      return 'done';
    } finally {
      res.destroy();
    }
  }

  /** Decides from the status and headers whether to append, start at zero, or stop. */
  private planFromResponse(res: http.IncomingMessage): 'append' | 'from-zero' | 'restart' | 'complete' {
    const s = this.state;
    const status = res.statusCode ?? 0;
    if (status === 416 && s.offset > 0) {
      // "Range not satisfiable": complete if the part is the whole file.
      const total = parseContentRangeTotal(res.headers['content-range']);
      return total !== undefined && total === s.offset && (s.meta?.totalBytes ?? total) === total ? 'complete' : 'restart';
    }
    if (status === 200) return 'from-zero'; // no Range support, or If-Range saw a changed file
    if (status === 206 && s.offset > 0) {
      const range = parseContentRange(res.headers['content-range']);
      const etag = header(res, 'etag');
      const changed =
        !range ||
        range.start !== s.offset ||
        (s.meta?.totalBytes !== undefined && range.total !== s.meta.totalBytes) ||
        (s.meta?.etag !== undefined && etag !== undefined && etag !== s.meta.etag);
      return changed ? 'restart' : 'append';
    }
    throw httpStatusError(status, this.o.url);
  }

  private async startOver(): Promise<void> {
    await removePartial(this.o.dest);
    this.state = { meta: undefined, offset: 0, hash: this.newHash(), hashed: 0 };
    this.meter.reset();
  }

  private async receive(res: http.IncomingMessage, req: http.ClientRequest, plan: 'append' | 'from-zero'): Promise<void> {
    const s = this.state;
    if (plan === 'from-zero') {
      s.offset = 0;
      s.hash = this.newHash();
      s.hashed = 0;
      this.meter.reset();
      const length = Number(header(res, 'content-length'));
      s.meta = {
        url: this.o.url,
        etag: header(res, 'etag'),
        lastModified: header(res, 'last-modified'),
        totalBytes: Number.isFinite(length) && length >= 0 ? length : undefined,
      };
      writeMeta(this.o.dest, s.meta);
    }
    const total = s.meta?.totalBytes;
    await this.checkFreeSpace(total !== undefined ? total - s.offset : undefined);

    this.report(true);
    const file = fs.createWriteStream(this.part, { flags: plan === 'append' ? 'a' : 'w' });
    const counter = new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        s.hash?.update(chunk);
        s.hashed += chunk.length;
        s.offset += chunk.length;
        done(null, chunk);
        this.report(false); // after passing the chunk on, so a cancel from the callback keeps it

      },
    });
    try {
      await pipeline(res, counter, file);
    } catch (err) {
      // Let the file close before anyone looks at the part's size.
      if (!file.closed) await new Promise<void>((r) => file.once('close', () => r()));
      throw this.requestErrors.get(req) ?? err;
    }
    this.report(true);
    if (total !== undefined && s.offset !== total) {
      throw new DownloadError('NETWORK', `The download stopped at ${s.offset} of ${total} bytes. It will resume from there.`);
    }
  }

  /** Refuses to start a transfer the disk cannot hold, instead of failing after an hour. */
  private async checkFreeSpace(needed: number | undefined): Promise<void> {
    if (needed === undefined || needed <= 0) return;
    let free: number;
    try {
      const st = await fs.promises.statfs(path.dirname(this.o.dest));
      free = st.bavail * st.bsize;
    } catch {
      return; // not every file system answers; the write itself will report ENOSPC
    }
    if (free < needed) {
      throw new DownloadError(
        'DISK_FULL',
        `Not enough disk space for the model: ${formatBytes(needed)} needed, ${formatBytes(free)} free in ${path.dirname(this.o.dest)}.`,
      );
    }
  }

  /** One GET, following redirects, with connect and idle timeouts and the abort signal wired in. */
  private async request(rangeFrom: number | undefined): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
    const origin = new URL(this.o.url);
    let url = origin;
    for (let hop = 0; ; hop++) {
      const headers: http.OutgoingHttpHeaders = {
        'User-Agent': 'bitnet-vscode',
        'Accept-Encoding': 'identity', // byte offsets must be offsets in the file
      };
      if (rangeFrom !== undefined) {
        headers.Range = `bytes=${rangeFrom}-`;
        const validator = ifRangeValidator(this.state.meta);
        if (validator) headers['If-Range'] = validator;
      }
      // The token is for the endpoint; a CDN behind a redirect gets signed URLs instead.
      if (this.o.token && url.host === origin.host) headers.Authorization = `Bearer ${this.o.token}`;

      const { res, req } = await this.get(url, headers);
      const linked = /^"?([0-9a-f]{64})"?$/.exec(header(res, 'x-linked-etag') ?? '');
      if (linked) this.listedSha256 = linked[1];
      const status = res.statusCode ?? 0;
      const location = header(res, 'location');
      if (status >= 300 && status < 400 && status !== 304 && location) {
        res.destroy();
        if (hop >= this.o.maxRedirects) {
          throw new DownloadError('TOO_MANY_REDIRECTS', `The download was redirected more than ${this.o.maxRedirects} times. Check the "bitnet.download.endpoint" setting.`);
        }
        url = new URL(location, url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
          throw new DownloadError('HTTP', `The download was redirected to an unsupported address: ${url.href}`);
        }
        continue;
      }
      return { res, req };
    }
  }

  private get(url: URL, headers: http.OutgoingHttpHeaders): Promise<{ res: http.IncomingMessage; req: http.ClientRequest }> {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const signal = this.o.signal;
      const req = client.get(url, { headers });
      const fail = (err: DownloadError): void => {
        this.requestErrors.set(req, err);
        req.destroy(err);
      };
      const onAbort = (): void => fail(cancelled());
      const connectTimer = setTimeout(
        () => fail(new DownloadError('TIMEOUT', `${url.host} did not answer within ${Math.round(this.o.connectTimeoutMs / 1000)} s.`)),
        this.o.connectTimeoutMs,
      );
      req.setTimeout(this.o.idleTimeoutMs, () =>
        fail(new DownloadError('TIMEOUT', `${url.host} sent no data for ${Math.round(this.o.idleTimeoutMs / 1000)} s. The download will resume where it stopped.`)),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => {
        clearTimeout(connectTimer);
        signal?.removeEventListener('abort', onAbort);
      });
      req.once('response', (res) => {
        clearTimeout(connectTimer);
        resolve({ res, req });
      });
      req.on('error', (err) => {
        clearTimeout(connectTimer);
        reject(this.requestErrors.get(req) ?? err);
      });
      if (signal?.aborted) onAbort();
    });
  }

  private report(force: boolean): void {
    const now = Date.now();
    if (!this.o.onProgress || (!force && now - this.lastProgressAt < this.o.progressIntervalMs)) return;
    this.lastProgressAt = now;
    this.o.onProgress(this.meter.sample(this.state.offset, this.state.meta?.totalBytes));
  }

  /** Size check, hash check, fsync, rename. Anything wrong deletes the part. */
  private async promote(resumedFrom: number): Promise<DownloadResult> {
    const s = this.state;
    const size = partialBytes(this.o.dest);
    const total = s.meta?.totalBytes;
    if (total !== undefined && size !== total) {
      await removePartial(this.o.dest);
      throw new DownloadError('SIZE', `The downloaded file has ${size} bytes but the server announced ${total}. It was deleted; try again.`);
    }
    let actual: string | undefined;
    if (s.hash && this.o.sha256) {
      actual = s.hash.digest('hex');
      if (actual !== this.o.sha256) {
        await removePartial(this.o.dest);
        const listed =
          this.listedSha256 === actual
            ? ` The server lists the same hash as the file, so the model may have been updated upstream; if you trust it, set "bitnet.download.sha256" to ${actual}.`
            : ' If you use a mirror with a different build, set "bitnet.download.sha256".';
        throw new DownloadError(
          'CHECKSUM',
          `The downloaded file is corrupt or not the expected model: its SHA-256 is ${actual}, expected ${this.o.sha256}. It was deleted.${listed}`,
        );
      }
    }
    try {
      const fd = await fs.promises.open(this.part, 'r+');
      await fd.datasync().finally(() => fd.close());
      await fs.promises.rename(this.part, this.o.dest);
      await fs.promises.rm(metaPath(this.o.dest), { force: true });
    } catch (err) {
      throw fromSystemError(err, this.o.url, this.o.dest);
    }
    return { path: this.o.dest, bytes: size, sha256: actual, resumedFrom };
  }

  private throwIfCancelled(): void {
    if (this.o.signal?.aborted) throw cancelled();
  }
}

/**
 * Two VS Code windows share the global storage folder: only one may write the
 * part. The lock file holds the owner's pid; a lock whose process is gone is
 * stale (VS Code was killed) and is taken over.
 */
function lockDownload(dest: string): () => void {
  const lock = `${dest}.lock`;
  for (let tries = 0; ; tries++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fromSystemError(err, '', lock);
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(lock, 'utf8'));
    } catch {
      // removed in between: the next try takes it
    }
    if (tries === 0 && !(Number.isInteger(owner) && owner > 0 && processAlive(owner))) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    throw new DownloadError('BUSY', 'The model is already being downloaded in another VS Code window.');
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

function cancelled(): DownloadError {
  return new DownloadError('CANCELLED', 'The download was cancelled. It will resume where it stopped next time.');
}

function readMeta(dest: string): PartMeta | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(metaPath(dest), 'utf8')) as PartMeta;
    return typeof meta.url === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temp name and renamed, so a crash never leaves half a sidecar. */
function writeMeta(dest: string, meta: PartMeta): void {
  const tmp = `${metaPath(dest)}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(meta));
  fs.renameSync(tmp, metaPath(dest));
}

/** If-Range needs a strong ETag or a date; a weak ETag would make every resume start over. */
function ifRangeValidator(meta: PartMeta | undefined): string | undefined {
  if (meta?.etag && !meta.etag.startsWith('W/')) return meta.etag;
  return meta?.lastModified;
}

function header(res: http.IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `bytes 100-199/1000` → { start: 100, total: 1000 }. */
function parseContentRange(value: string | undefined): { start: number; total: number | undefined } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** `bytes *\/1000` (sent with 416) → 1000. */
function parseContentRangeTotal(value: string | undefined): number | undefined {
  const m = /^bytes (?:\*|\d+-\d+)\/(\d+)$/.exec(value?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function formatBytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}
