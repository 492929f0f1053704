// Prints how long reading a model's header and checking it as a BitNet model
// takes. Usage: node --import tsx test/bench/gguf-read.bench.ts [FILE]
// (default /tmp/bitnet-2b4t.gguf; make one with
// `npm run make-model -- --shape 2b4t --out /tmp/bitnet-2b4t.gguf`).
import * as fs from 'node:fs';
import { readBitnetModel } from '../../src/engine/bitnet-model';
import { readGguf } from '../../src/engine/gguf';

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
