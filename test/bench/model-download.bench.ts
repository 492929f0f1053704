// Prints download figures over loopback: throughput with SHA-256 hashing, the
// cost of re-hashing a part on resume, and the model check on a worker thread
// while a model with the real 128k-token header (the tiny shape) arrives.
// Figures only; never a timed test.
//   node --import tsx test/bench/model-download.bench.ts [MB]   (default 512)
import { randomFillSync } from 'node:crypto';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { checkModelDownloadInWorker } from '../../src/model/run-model-check';
import { downloadFile } from '../../src/model/download';
import { serveFile, startServer } from '../model/file-server';
import { tempDir, tinyModelPath } from '../helpers/model-files';

async function main(): Promise<void> {
  const mb = Number(process.argv[2] ?? 512);
  const body = Buffer.allocUnsafe(mb * 1e6);
  for (let at = 0; at < body.length; at += 1 << 26) randomFillSync(body, at, Math.min(1 << 26, body.length - at));
  const sha256 = createHash('sha256').update(body).digest('hex');
  const dir = tempDir();
  let stallAt: number | undefined;
  const server = await startServer((req, res) => serveFile(req, res, body, { etag: '"b"', stopAfter: stallAt ? { bytes: stallAt, then: 'stall' } : undefined }));
  const url = `${server.origin}/model.gguf`;
  try {
    let dest = path.join(dir, 'full.gguf');
    let t = performance.now();
    await downloadFile({ url, dest, sha256 });
    let s = (performance.now() - t) / 1000;
    console.log(`full download with SHA-256, ${mb} MB over loopback: ${s.toFixed(2)} s, ${(mb / s).toFixed(0)} MB/s`);

    dest = path.join(dir, 'resumed.gguf');
    stallAt = Math.floor(body.length / 2);
    const controller = new AbortController();
    await downloadFile({ url, dest, sha256, signal: controller.signal, progressIntervalMs: 0, onProgress: (p) => p.bytesDone >= stallAt! - 1e6 && controller.abort() }).catch(() => undefined);
    stallAt = undefined;
    const part = fs.statSync(`${dest}.part`).size;
    t = performance.now();
    let firstByteAt = 0;
    await downloadFile({ url, dest, sha256, progressIntervalMs: 0, onProgress: (p) => { if (!firstByteAt && p.bytesDone > part) firstByteAt = performance.now(); } });
    s = (performance.now() - t) / 1000;
    const rehash = (firstByteAt - t) / 1000;
    console.log(`resume from ${(part / 1e6).toFixed(0)} MB: re-hash of the part and first new byte after ${rehash.toFixed(2)} s (${(part / 1e6 / rehash).toFixed(0)} MB/s), whole resume ${s.toFixed(2)} s`);
  } finally {
    await server.close();
  }
  await contentCheckFigures(dir);
}

/** The same model downloaded with and without the content check, which holds the stream while it reads the header. */
async function contentCheckFigures(dir: string): Promise<void> {
  const script = path.join(dir, 'model-check.js');
  buildSync({ entryPoints: [path.resolve(__dirname, '../../src/model/model-check-worker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
  const body = fs.readFileSync(tinyModelPath());
  const server = await startServer((req, res) => serveFile(req, res, body));
  const url = `${server.origin}/model.gguf`;
  try {
    for (const checked of [false, true, false, true]) {
      const t = performance.now();
      await downloadFile({ url, dest: path.join(dir, `tiny-${checked}-${t}.gguf`), content: checked ? checkModelDownloadInWorker(script) : undefined });
      const s = (performance.now() - t) / 1000;
      console.log(`${(body.length / 1e6).toFixed(1)} MB model (real vocabulary) ${checked ? 'with' : 'without'} the content check: ${s.toFixed(2)} s`);
    }
  } finally {
    await server.close();
  }
}

void main();
