// Prints how long reading a model's header and checking it as a BitNet model
// takes, and how long hostile 60 MB headers take to be refused, read as any
// GGUF then checked, and read with the BitNet expectations (refused as soon
// as the header says what it is). Usage: node --import tsx test/bench/gguf-read.bench.ts [FILE]
// (default /tmp/bitnet-2b4t.gguf; make one with
// `npm run make-model -- --shape 2b4t --out /tmp/bitnet-2b4t.gguf`).
import * as fs from 'node:fs';
import { BITNET_EXPECTATIONS, checkBitnetModel, readBitnetModel } from '../../src/model-file/bitnet-model';
import { readGguf, readGgufBuffer, type GgufExpectations } from '../../src/model-file/gguf-reader';

const file = process.argv[2] ?? '/tmp/bitnet-2b4t.gguf';
if (!fs.existsSync(file)) {
  console.error(`no model at ${file}; make one with: npm run make-model -- --shape 2b4t --out ${file}`);
  process.exit(1);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const runs = 9;
const header: number[] = [];
const model: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < runs; i++) {
  let t = performance.now();
  const g = readGguf(file);
  header.push(performance.now() - t);
  const c = process.cpuUsage();
  t = performance.now();
  readBitnetModel(file);
  model.push(performance.now() - t);
  const used = process.cpuUsage(c);
  cpu.push((used.user + used.system) / 1000);
  if (i === 0) console.log(`${file}: ${g.fileSize} bytes, header ${g.dataOffset} bytes, ${g.tensors.length} tensors`);
}
console.log(`readGguf:        median ${median(header).toFixed(1)} ms, min ${Math.min(...header).toFixed(1)} ms (${runs} runs)`);
console.log(`readBitnetModel: median ${median(model).toFixed(1)} ms, min ${Math.min(...model).toFixed(1)} ms (${runs} runs)`);
// CPU time is steadier than wall time on a shared machine.
console.log(`readBitnetModel CPU time: median ${median(cpu).toFixed(1)} ms`);

// ---- Hostile headers -------------------------------------------------------

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
function str(s: string): Buffer {
  return Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
}
const STRING = 8;
const ARRAY = 9;

/** A GGUF header: `tensors` one-dimensional F32 tensor infos after the given metadata. */
function hostile(architecture: string, extra: Buffer[], extraKeys: number, tensors: number): Buffer {
  const kv = [str('general.architecture'), u32(STRING), str(architecture), ...extra];
  const infos: Buffer[] = [];
  for (let i = 0; i < tensors; i++) infos.push(str(`t${i}`), u32(1), u64(1), u32(0), u64(i * 32));
  const head = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(tensors), u64(1 + extraKeys)]);
  const header = Buffer.concat([head, ...kv, ...infos]);
  return Buffer.concat([header, Buffer.alloc(tensors * 32 + 64)]);
}

/** 7 million empty strings in one metadata array: 56 MB. */
function emptyStrings(): Buffer[] {
  const n = 7_000_000;
  return [str('junk'), u32(ARRAY), u32(STRING), u64(n), Buffer.alloc(n * 8)];
}

function refuseMs(bytes: Buffer, expect?: GgufExpectations): { ms: number; why: string } {
  const c = process.cpuUsage();
  let why = 'accepted';
  try {
    checkBitnetModel(readGgufBuffer(bytes, 'hostile', 1 << 20, expect));
  } catch (err) {
    why = (err as Error).message.slice(0, 90);
  }
  const used = process.cpuUsage(c);
  return { ms: (used.user + used.system) / 1000, why };
}

const cases: Array<[string, () => Buffer]> = [
  ['Llama header + 56 MB of empty strings', () => hostile('llama', emptyStrings(), 1, 0)],
  ['BitNet header + 56 MB of empty strings', () => hostile('bitnet-b1.58', emptyStrings(), 1, 0)],
  ['BitNet header claiming 1.8 M tensors', () => hostile('bitnet-b1.58', [], 0, 1_800_000)],
];
for (const [name, make] of cases) {
  const bytes = make();
  const generic = refuseMs(bytes);
  const early = refuseMs(bytes, BITNET_EXPECTATIONS);
  console.log(`${name} (${(bytes.length / 1e6).toFixed(0)} MB): refused after ${generic.ms.toFixed(0)} ms of CPU read as any GGUF, ${early.ms.toFixed(1)} ms with the BitNet expectations`);
  console.log(`  ${early.why}`);
}
