// Hostile-input fuzzing of the GGUF reader and the BitNet model check: a valid
// small model is damaged thousands of ways (byte flips, huge counts and
// lengths, random offsets and types, truncation at every header position) and
// each result must either read cleanly or fail with a GgufError, quickly and
// without allocating memory out of proportion to the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { BITNET_EXPECTATIONS, checkBitnetModel } from '../../src/model-file/bitnet-model';
import { GgufError, readGguf, readGgufBuffer } from '../../src/model-file/gguf-reader';
import { Xorshift128 } from '../../src/model-file/xorshift';
import { ggufFields, type Field } from '../helpers/gguf-fields';
import { tempDir, writeSmallModel } from '../helpers/model-files';

const base = fs.readFileSync(writeSmallModel());
const fields = ggufFields(base);
const headerEnd = readGgufBuffer(base).dataOffset;
const rng = new Xorshift128(20261121);

const HUGE = [2n ** 64n - 1n, 2n ** 63n, 2n ** 60n, 2n ** 53n + 1n, 2n ** 32n, 2n ** 31n, BigInt(base.length), BigInt(base.length + 1), 0n, 1n];
/** Per-case limits far above what a correct reader needs, far below what a runaway one takes. */
const MAX_CASE_MS = 2000;
const MAX_HEAP_GROWTH = 256 * 1024 * 1024;

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(rng.nextFloat() * items.length)]!;
}

function setField(bytes: Uint8Array, f: Field, value: bigint): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (f.size === 8) view.setBigUint64(f.at, value & (2n ** 64n - 1n), true);
  else view.setUint32(f.at, Number(value & 0xffffffffn), true);
}

function mutate(kind: number): Uint8Array {
  const bytes = Uint8Array.from(base);
  if (kind === 0) {
    // Random byte flips, mostly in the header where the structure is.
    const flips = 1 + Math.floor(rng.nextFloat() * 8);
    for (let i = 0; i < flips; i++) {
      const inHeader = rng.nextFloat() < 0.9;
      const at = Math.floor(rng.nextFloat() * (inHeader ? headerEnd : bytes.length));
      bytes[at] = rng.nextU32() & 0xff;
    }
  } else if (kind === 1) {
    // A count, length, dimension or offset set to a huge or edge value.
    const f = pick(fields.filter((x) => x.size === 8));
    setField(bytes, f, rng.nextFloat() < 0.7 ? pick(HUGE) : BigInt(rng.nextU32()) * BigInt(rng.nextU32()));
  } else if (kind === 2) {
    // A type id, dimension count or version set to a random or nearby value.
    const f = pick(fields.filter((x) => x.size === 4));
    setField(bytes, f, BigInt(rng.nextFloat() < 0.5 ? rng.nextU32() : rng.nextU32() % 48));
  } else {
    // A random tensor offset, aligned or not.
    const f = pick(fields.filter((x) => x.kind === 'offset'));
    const raw = BigInt(Math.floor(rng.nextFloat() * base.length * 1.2));
    setField(bytes, f, rng.nextFloat() < 0.5 ? raw - (raw % 32n) : raw);
  }
  return bytes;
}

/** Reads and checks `bytes`; returns 'ok' or the error code, and throws anything that is not a GgufError. */
function attempt(bytes: Uint8Array, chunkBytes: number): string {
  const start = performance.now();
  try {
    checkBitnetModel(readGgufBuffer(bytes, 'fuzz', chunkBytes, BITNET_EXPECTATIONS));
    return 'ok';
  } catch (err) {
    if (!(err instanceof GgufError)) {
      assert.fail(`the reader threw ${String(err)} instead of a GgufError\n${(err as Error).stack}`);
    }
    assert.ok(err.message.length > 0 && !err.message.includes('undefined'), err.message);
    return err.code;
  } finally {
    const ms = performance.now() - start;
    assert.ok(ms < MAX_CASE_MS, `one case took ${ms.toFixed(0)} ms`);
  }
}

test('thousands of damaged files either read or fail with a GgufError, fast and in bounded memory', () => {
  const heapBefore = process.memoryUsage().heapUsed;
  let maxHeap = heapBefore;
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 6000; i++) {
    const chunk = pick([16, 64, 1000, 1 << 20]);
    const outcome = attempt(mutate(i % 4), chunk);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (i % 100 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  }
  assert.ok(maxHeap - heapBefore < MAX_HEAP_GROWTH, `heap grew by ${((maxHeap - heapBefore) / 1e6).toFixed(0)} MB`);
  // The mutations must reach deep: most failure kinds show up, and some files still read.
  for (const code of ['TRUNCATED', 'CORRUPT', 'BAD_TENSOR', 'UNSUPPORTED_VERSION']) {
    assert.ok((outcomes.get(code) ?? 0) > 0, `no ${code} among ${JSON.stringify([...outcomes])}`);
  }
});

test('a file cut at every byte of its header fails as truncated', () => {
  for (let length = 4; length < headerEnd; length++) {
    assert.equal(attempt(base.subarray(0, length), 1 << 20), 'TRUNCATED', `cut at ${length}`);
  }
  // Cuts inside the tensor data are truncation too, and the first four bytes make it not a GGUF.
  for (let i = 0; i < 200; i++) {
    const length = headerEnd + Math.floor(rng.nextFloat() * (base.length - headerEnd));
    assert.equal(attempt(base.subarray(0, length), 1 << 20), 'TRUNCATED', `cut at ${length}`);
  }
  for (let length = 0; length < 4; length++) assert.equal(attempt(base.subarray(0, length), 64), 'NOT_GGUF');
});

test('damaged files on disk go through the same checks as in memory', () => {
  const dir = tempDir();
  for (let i = 0; i < 200; i++) {
    const bytes = mutate(i % 4);
    const file = `${dir}/case.gguf`;
    fs.writeFileSync(file, bytes);
    let fromDisk: string;
    try {
      checkBitnetModel(readGguf(file, BITNET_EXPECTATIONS));
      fromDisk = 'ok';
    } catch (err) {
      if (!(err instanceof GgufError)) assert.fail(`readGguf threw ${String(err)}`);
      fromDisk = err.code;
    }
    assert.equal(fromDisk, attempt(bytes, 1 << 20));
  }
});
