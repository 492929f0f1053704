// A small memory read-bandwidth probe: memcmp (Buffer.compare) over two equal
// buffers far larger than the CPU caches reads both end to end. With several
// threads, each compares its own pair at the same time.
import { Worker } from 'node:worker_threads';

const BYTES_PER_THREAD = 256 * 1024 * 1024;

const probeSource = `
const { parentPort, workerData } = require('node:worker_threads');
const a = Buffer.alloc(workerData.bytes, 1), b = Buffer.alloc(workerData.bytes, 1);
Buffer.compare(a, b); // fault the pages in
parentPort.postMessage('ready');
parentPort.once('message', () => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < workerData.rounds; i++) Buffer.compare(a, b);
  parentPort.postMessage(Number(process.hrtime.bigint() - t0) / 1e9);
});`;

/** Bytes per second read by `threads` threads at once. */
export async function readBandwidth(threads: number, rounds = 4): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(probeSource, { eval: true, workerData: { bytes: BYTES_PER_THREAD, rounds } }));
  try {
    await Promise.all(workers.map((w) => once(w)));
    const seconds = await Promise.all(workers.map((w) => (w.postMessage('go'), once(w) as Promise<number>)));
    const bytes = 2 * BYTES_PER_THREAD * rounds * threads;
    return bytes / Math.max(...seconds);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function once(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
