// Downloads one large file over Node's http/https (the stack VS Code patches
// for its proxy settings) into `<dest>.part`, resuming with HTTP Range after an
// interruption or a restart, then verifies size, content and SHA-256 and
// renames the part into place. A partial or corrupt file never appears at `dest`.
//
// The server is not trusted: the token goes only to the https origin it was
// meant for, an https download never continues over http, the bytes written
// are capped (by `maxBytes`, then by the size the content itself implies),
// and a transfer slower than a minimum rate fails instead of trickling forever.
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
import { lockDownload } from './download-lock';
import type { DownloadStatus } from './download-status';
import { ProgressMeter, type DownloadProgress } from './progress-meter';

/** The sizes a complete file may have. */
export interface SizeRange {
  min: number;
  max: number;
}

/**
 * Judges a download from its first bytes: resolves to the sizes the complete
 * file may have, to undefined while it needs more bytes, and rejects (with a
 * message for the user) if the bytes are not the file wanted. `claimedBytes`
 * is the size the server announced, when it did.
 */
export type ContentCheck = (file: string, claimedBytes: number | undefined) => Promise<SizeRange | undefined>;

export interface DownloadOptions {
  url: string;
  /** Final path of the file. */
  dest: string;
  /** Bearer token, sent only over https to the URL's own origin (never to a CDN it redirects to). */
  token?: string;
  /** Expected SHA-256 (hex). When set, the file is hashed while it streams. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Told when the download connects, waits to try again, or checks the file. */
  onStatus?: (status: DownloadStatus) => void;
  /** The most bytes accepted until `content` says how long the file is. */
  maxBytes?: number;
  /** Checks the first bytes as they arrive and the whole file before the rename. */
  content?: ContentCheck;
  /** Slower than this, averaged over `rateWindowMs`, an attempt fails (and is retried). */
  minBytesPerSecond?: number;
  rateWindowMs?: number;
  /** A lock of another download not touched for this long is stale. */
  lockStaleMs?: number;
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
  /** The sizes the content check allows, once it knows. */
  sizes?: SizeRange;
}

/**
 * The part size at which the content check first looks, growing fourfold each
 * time it needs more: each look starts a worker thread (a few hundred ms on a
 * busy machine) and holds the stream, so the 8 MB header of the real model is
 * read at 1, 4 and 16 MB, and a web page is caught at 1 MB.
 */
const FIRST_CONTENT_CHECK_BYTES = 1 << 20;
const CONTENT_CHECK_GROWTH = 4;

type AttemptOutcome = 'done' | 'restart';

class Downloader {
  private readonly o: Required<
    Omit<DownloadOptions, 'token' | 'sha256' | 'signal' | 'onProgress' | 'onStatus' | 'maxBytes' | 'content' | 'lockStaleMs'>
  > &
    DownloadOptions;
  /** Why this run destroyed a request (cancel, timeout), to report instead of the socket error it causes. */
  private readonly requestErrors = new WeakMap<http.ClientRequest, DownloadError>();
  private readonly part: string;
  private readonly meter = new ProgressMeter();
  private lastProgressAt = 0;
  private state: PartState = { meta: undefined, offset: 0, hash: undefined, hashed: 0 };
  /** The SHA-256 the hub lists for the file (`X-Linked-Etag` on its redirect), to explain a mismatch. */
  private listedSha256: string | undefined;
  /** A token was stored but not sent, because the endpoint is not https. */
  private tokenWithheld = false;
  /** The content check: the part size at which it looks next, and the look under way. */
  private nextContentCheckAt = FIRST_CONTENT_CHECK_BYTES;
  private contentCheck: Promise<void> | undefined;

  constructor(options: DownloadOptions) {
    this.o = {
      ...options,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      maxRedirects: options.maxRedirects ?? 10,
      maxAttempts: options.maxAttempts ?? 5,
      retryDelayMs: options.retryDelayMs ?? 2000,
      progressIntervalMs: options.progressIntervalMs ?? 250,
      minBytesPerSecond: options.minBytesPerSecond ?? 10_000,
      rateWindowMs: options.rateWindowMs ?? 60_000,
      sha256: options.sha256?.toLowerCase(),
    };
    this.part = partPath(options.dest);
  }

  async run(): Promise<DownloadResult> {
    this.throwIfCancelled();
    await fs.promises.mkdir(path.dirname(this.o.dest), { recursive: true }).catch((e) => {
      throw fromSystemError(e, this.o.url, this.o.dest);
    });
    const unlock = lockDownload(this.o.dest, this.o.lockStaleMs);
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
    const host = new URL(this.o.url).host;
    for (;;) {
      const before = this.state.offset;
      let outcome: AttemptOutcome;
      try {
        this.status({ kind: 'connecting', host, attempt: failures + 1, maxAttempts: this.o.maxAttempts });
        outcome = await this.attempt();
      } catch (err) {
        const e = fromSystemError(err, this.o.url, this.part);
        if (this.o.signal?.aborted) throw cancelled();
        if (!e.transient) {
          if (e.code === 'SIZE' || e.code === 'NOT_MODEL') await removePartial(this.o.dest);
          throw e;
        }
        // Progress resets the count, except progress too slow to count as such.
        failures = this.state.offset > before && e.code !== 'SLOW' ? 1 : failures + 1;
        if (failures >= this.o.maxAttempts) throw e;
        const wait = this.o.retryDelayMs * 2 ** (failures - 1);
        this.status({ kind: 'retrying', host, attempt: failures + 1, maxAttempts: this.o.maxAttempts, inSeconds: Math.round(wait / 1000), reason: e.message });
        await delay(wait, this.o.signal);
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
    this.nextContentCheckAt = FIRST_CONTENT_CHECK_BYTES;
    this.meter.reset();
  }

  private async receive(res: http.IncomingMessage, req: http.ClientRequest, plan: 'append' | 'from-zero'): Promise<void> {
    const s = this.state;
    if (plan === 'from-zero') {
      s.offset = 0;
      s.hash = this.newHash();
      s.hashed = 0;
      s.sizes = undefined;
      this.nextContentCheckAt = FIRST_CONTENT_CHECK_BYTES;
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
    this.checkAnnouncedSize(total);
    await this.checkFreeSpace((total ?? this.cap()) - s.offset);

    this.report(true);
    const file = fs.createWriteStream(this.part, { flags: plan === 'append' ? 'a' : 'w' });
    const fail = (err: DownloadError): void => {
      this.requestErrors.set(req, err);
      req.destroy(err);
    };
    const counter = new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        const pass = (): void => {
          const stopped = this.requestErrors.get(req);
          if (stopped) return done(stopped);
          if (s.offset + chunk.length > this.cap()) return done(this.tooLarge(s.offset + chunk.length));
          s.hash?.update(chunk);
          s.hashed += chunk.length;
          s.offset += chunk.length;
          done(null, chunk);
          this.report(false); // after passing the chunk on, so a cancel from the callback keeps it
          this.maybeCheckContent(file, fail);
        };
        // While the content check looks at the header, hold the next bytes: its verdict may lower the cap.
        if (this.contentCheck) void this.contentCheck.then(pass);
        else pass();
      },
    });
    const stopRate = this.watchRate(req, fail);
    try {
      await pipeline(res, counter, file);
      await this.contentCheck; // a verdict on the last bytes still counts
      if (this.requestErrors.has(req)) throw this.requestErrors.get(req);
    } catch (err) {
      // Let the file close before anyone looks at the part's size.
      if (!file.closed) await new Promise<void>((r) => file.once('close', () => r()));
      await this.contentCheck?.catch(() => undefined);
      throw this.requestErrors.get(req) ?? err;
    } finally {
      stopRate();
    }
    this.report(true);
    if (total !== undefined && s.offset !== total) {
      throw new DownloadError('NETWORK', `The download stopped at ${s.offset} of ${total} bytes. It will resume from there.`);
    }
  }

  /** The most bytes the file may have: what the content says once known, else `maxBytes`. */
  private cap(): number {
    return this.state.sizes?.max ?? this.o.maxBytes ?? Infinity;
  }

  private tooLarge(bytes: number): DownloadError {
    const limit = this.state.sizes ? `the ${this.state.sizes.max} bytes its header says` : `the ${formatBytes(this.cap())} expected`;
    return new DownloadError('SIZE', `The server sent more than ${limit} (at least ${bytes} bytes). The download was stopped and deleted.`);
  }

  /** Refuses an announced size the file cannot have, before a byte is written. */
  private checkAnnouncedSize(total: number | undefined): void {
    if (total === undefined) return;
    const sizes = this.state.sizes;
    if (total > this.cap() || (sizes && total < sizes.min)) {
      const expected = sizes ? `${sizes.min} bytes, as its header says` : `at most ${formatBytes(this.cap())}`;
      throw new DownloadError('SIZE', `The server announced a file of ${formatBytes(total)}, but the model is ${expected}. Check the "bitnet.download.endpoint" setting.`);
    }
  }

  /**
   * Runs the content check in the background when the part has grown past the
   * next threshold, at most one at a time; a verdict against the bytes stops
   * the transfer through `fail`.
   */
  private maybeCheckContent(file: fs.WriteStream, fail: (err: DownloadError) => void): void {
    const s = this.state;
    if (!this.o.content || s.sizes || this.contentCheck || file.bytesWritten < this.nextContentCheckAt) return;
    this.nextContentCheckAt = file.bytesWritten * CONTENT_CHECK_GROWTH;
    this.contentCheck = this.o
      .content(this.part, s.meta?.totalBytes)
      .then(
        (sizes) => {
          if (!sizes) return;
          s.sizes = sizes;
          this.checkAnnouncedSize(s.meta?.totalBytes);
          if (s.offset > sizes.max) throw this.tooLarge(s.offset);
          // The cap may have grown from `maxBytes` to the real size: will it fit?
          return this.checkFreeSpace(sizes.max - s.offset);
        },
        (err: Error) => {
          throw notTheModel(err);
        },
      )
      .catch((err: unknown) => fail(err instanceof DownloadError ? err : notTheModel(err as Error)))
      .finally(() => {
        this.contentCheck = undefined;
      });
  }

  /** Fails the request when fewer than minBytesPerSecond arrive over a window; returns the stop function. */
  private watchRate(req: http.ClientRequest, fail: (err: DownloadError) => void): () => void {
    const windowBytes = (this.o.minBytesPerSecond * this.o.rateWindowMs) / 1000;
    let windowStart = this.state.offset;
    const timer = setInterval(() => {
      const got = this.state.offset - windowStart;
      windowStart = this.state.offset;
      if (got >= windowBytes || req.destroyed) return;
      const rate = formatRate((got * 1000) / this.o.rateWindowMs);
      fail(
        new DownloadError(
          'SLOW',
          `The download from ${new URL(this.o.url).host} was too slow: ${rate} over the last ${this.o.rateWindowMs / 1000} s, below the ${formatRate(this.o.minBytesPerSecond)} it needs. The download will resume where it stopped.`,
        ),
      );
    }, this.o.rateWindowMs);
    return () => clearInterval(timer);
  }

  /** Refuses to start a transfer the disk cannot hold, instead of failing after an hour. */
  private async checkFreeSpace(needed: number): Promise<void> {
    if (!Number.isFinite(needed) || needed <= 0) return;
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
      // The token is for the endpoint, and only over https; a CDN behind a redirect gets signed URLs instead.
      if (this.o.token && url.origin === origin.origin) {
        if (url.protocol === 'https:') headers.Authorization = `Bearer ${this.o.token}`;
        else this.tokenWithheld = true;
      }

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
        const from = url;
        url = new URL(location, url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') {
          throw new DownloadError('HTTP', `The download was redirected to an unsupported address: ${url.href}`);
        }
        if (from.protocol === 'https:' && url.protocol !== 'https:') {
          throw new DownloadError(
            'INSECURE',
            `${from.host} redirected the download from https to plain http (${url.host}); the model is only downloaded over an encrypted connection.`,
          );
        }
        continue;
      }
      if (this.tokenWithheld && (status === 401 || status === 403)) {
        res.destroy();
        const e = httpStatusError(status, this.o.url);
        throw new DownloadError(e.code, `${e.message} A download token is stored, but it is only sent over https: use an https endpoint.`, status);
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

  /** Size check, content check, hash check, fsync, rename. Anything wrong deletes the part. */
  private async promote(resumedFrom: number): Promise<DownloadResult> {
    const s = this.state;
    const size = partialBytes(this.o.dest);
    const total = s.meta?.totalBytes;
    if (total !== undefined && size !== total) {
      await removePartial(this.o.dest);
      throw new DownloadError('SIZE', `The downloaded file has ${size} bytes but the server announced ${total}. It was deleted; try again.`);
    }
    await this.checkWholeContent(size);
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

  /** The content check on the finished part: its header complete, its size the one the header implies. */
  private async checkWholeContent(size: number): Promise<void> {
    if (!this.o.content) return;
    this.status({ kind: 'checking' });
    let sizes: SizeRange | undefined;
    try {
      sizes = await this.o.content(this.part, size);
      if (!sizes) throw new Error(`the file ends inside its header (${size} bytes)`);
      if (size < sizes.min || size > sizes.max) throw new Error(`it has ${size} bytes, but its header says ${sizes.min}`);
    } catch (err) {
      await removePartial(this.o.dest);
      throw notTheModel(err as Error);
    }
  }

  private status(status: DownloadStatus): void {
    this.o.onStatus?.(status);
  }

  private throwIfCancelled(): void {
    if (this.o.signal?.aborted) throw cancelled();
  }
}

function notTheModel(err: Error): DownloadError {
  return new DownloadError('NOT_MODEL', `The server did not send a usable model (${err.message}). Nothing was kept. Check the "bitnet.download.endpoint" setting.`);
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

function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond >= 1e6 ? `${(bytesPerSecond / 1e6).toFixed(1)} MB/s` : `${(bytesPerSecond / 1e3).toFixed(1)} kB/s`;
}
