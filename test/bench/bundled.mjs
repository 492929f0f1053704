// Runs a benchmark as the extension host runs our code: bundled by esbuild
// and started with plain node. Under tsx the process starts about 50 MiB
// larger (its loader), which matters to a benchmark of resident memory.
//
//   node test/bench/bundled.mjs test/bench/memory.bench.ts [arguments...]
//
// The bundle goes to dist/bench/, two folders below the root like the
// benchmark itself, so the paths it finds from __dirname stay right.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node test/bench/bundled.mjs BENCH.ts [arguments...]');
  process.exit(2);
}
const outfile = path.join('dist', 'bench', path.basename(entry).replace(/\.ts$/, '.js'));
await esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
