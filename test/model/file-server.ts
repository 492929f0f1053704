// A real HTTP server on 127.0.0.1 for download tests. Each test describes how
// the server behaves per request (serve the file, honour Range or not, drop the
// connection half way, stall, redirect, answer an error) and then looks at the
// requests it received and the bytes on disk.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Served {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** Headers of every request received, in order. */
  requests: http.IncomingHttpHeaders[];
  /** Body bytes the server wrote per request. */
  bytesSent: number[];
  /** Requests whose connection closed before the server finished its reply. */
  closedEarly: number;
  close(): Promise<void>;
}

/** What the server does for request number `n` (0-based). */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number, served: Served) => void;

let certificate: { key: string; cert: string } | undefined;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made with openssl once
 * per test process. Trust it with `https.globalAgent.options.ca = cert`.
 */
export function testCertificate(): { key: string; cert: string } {
  if (!certificate) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bitnet-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    certificate = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return certificate;
}

/** `tls` serves https with testCertificate(). */
export async function startServer(handler: Handler, host = '127.0.0.1', tls = false): Promise<Served> {
  const served: Served = {
    origin: '',
    requests: [],
    bytesSent: [],
    closedEarly: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const listener: http.RequestListener = (req, res) => {
    const n = served.requests.length;
    served.requests.push(req.headers);
    served.bytesSent.push(0);
    const write = res.write.bind(res) as (chunk: Buffer, cb?: () => void) => boolean;
    res.write = ((chunk: Buffer, ...rest: unknown[]) => {
      served.bytesSent[n] += chunk.length;
      return write(chunk, rest.find((x) => typeof x === 'function') as (() => void) | undefined);
    }) as typeof res.write;
    res.on('close', () => {
      if (!res.writableFinished) served.closedEarly++;
    });
    handler(req, res, n, served);
  };
  const server = tls ? https.createServer(testCertificate(), listener) : http.createServer(listener);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  served.origin = `${tls ? 'https' : 'http'}://${host}:${(server.address() as AddressInfo).port}`;
  return served;
}

export interface FileReply {
  etag?: string;
  /** Honour Range requests (default true). */
  ranges?: boolean;
  /** Honour If-Range (default true): a stale validator gets the whole file. */
  ifRange?: boolean;
  /** Stop after sending this many body bytes: 'drop' cuts the connection, 'stall' goes silent. */
  stopAfter?: { bytes: number; then: 'drop' | 'stall' };
}

/** Serves `body` like a static file server or CDN would. */
export function serveFile(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, reply: FileReply = {}): void {
  const { etag, ranges = true, ifRange = true } = reply;
  let start = 0;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const validatorOk = !req.headers['if-range'] || !ifRange || req.headers['if-range'] === etag;
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/octet-stream' };
  if (etag) headers.ETag = etag;
  if (ranges) headers['Accept-Ranges'] = 'bytes';
  if (ranges && range && validatorOk) {
    start = Number(range[1]);
    if (start >= body.length) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${body.length}` });
      res.end();
      return;
    }
    res.writeHead(206, { ...headers, 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
  } else {
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
  }
  const rest = body.subarray(start);
  const stop = reply.stopAfter;
  if (!stop) {
    writeInChunks(res, rest, () => res.end());
    return;
  }
  writeInChunks(res, rest.subarray(0, Math.max(0, stop.bytes - start)), () => {
    // Let the bytes reach the client before misbehaving.
    setTimeout(() => {
      if (stop.then === 'drop') res.socket?.destroy();
    }, 20);
  });
}

/** Writes in 64 KiB pieces with backpressure, so a client sees many chunks. */
function writeInChunks(res: http.ServerResponse, data: Buffer, done: () => void): void {
  let at = 0;
  const next = (): void => {
    while (at < data.length) {
      const chunk = data.subarray(at, at + 65536);
      at += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', next);
        return;
      }
    }
    done();
  };
  next();
}
