// `npm test`: builds everything, then runs every test suite and exits
// non-zero if any failed. Suites: native C++ tests, TypeScript tests under
// node's built-in runner, and the end-to-end tests in a real VS Code. On a
// fresh clone it first runs `npm ci` (here, and in test/e2e before the
// end-to-end stage) for whatever is missing. Each stage prints how long it
// took, and the run ends with a table of them.
//
//   node test/run.mjs            everything
//   node test/run.mjs unit       one stage group: build, native, unit or e2e
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { e2eRoot, missingDependencies, missingE2eDependencies, npmCi, repoRoot } from '../scripts/dependencies.mjs';

const only = process.argv[2];
const started = Date.now();
const timings = [];
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * CPU time (ms) used so far by the finished children of this process and
 * their own waited-for children (Linux: /proc/self/stat cutime + cstime), so
 * a stage's CPU time can be told apart from its wait on a busy machine.
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

function run(title, command, args, options = {}) {
  console.log(`\n### ${title}\n$ ${command} ${args.join(' ')}`);
  const t = Date.now();
  const cpu = childrenCpuMs();
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  timings.push({ title, ms: Date.now() - t, cpuMs: childrenCpuMs() - cpu });
  console.log(`(${title}: ${secs(Date.now() - t)})`);
  if (r.status !== 0) {
    console.error(`\n✗ ${title} failed (exit ${r.status ?? r.signal})`);
    printTimings();
    process.exit(1);
  }
}

function printTimings() {
  console.log('\n### time per stage (wall clock, and CPU time summed over all processes)');
  for (const { title, ms, cpuMs } of timings) console.log(`  ${secs(ms).padStart(8)}  ${Number.isNaN(cpuMs) ? '' : `CPU ${secs(cpuMs).padStart(8)}  `}${title}`);
  console.log(`  ${secs(Date.now() - started).padStart(8)}  total`);
}

function testFiles(dir) {
  const skip = new Set(['e2e', 'bench', 'node_modules', 'fixtures']);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return skip.has(name) ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `npm ci` in `dir` when anything is `missing` (a fresh clone: `npm test` works on its own). */
function install(what, missing, dir) {
  if (missing.length === 0) return;
  const { command, args, cwd } = npmCi(dir);
  run(`install ${what} (missing: ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''})`, command, args, { cwd });
}

install('the dependencies', missingDependencies(repoRoot), repoRoot);
const jobs = `-j${availableParallelism()}`;
if (!only || only === 'build') {
  run('build the native addon (skipped when its inputs are unchanged)', 'npm', ['run', '--silent', 'build:native']);
  run('bundle the extension', 'npm', ['run', '--silent', 'build:js']);
  run('typecheck', 'npx', ['tsc', '--noEmit']);
}
if (!only || only === 'native') {
  run('native tests', 'make', ['-s', '-C', 'native/test', 'run', jobs]);
  // The loader facing thousands of damaged model files, under AddressSanitizer and UBSan.
  run('native loader fuzz (ASan + UBSan)', 'make', ['-s', '-C', 'native/test', 'SAN=1', 'ONLY=loader_fuzz', 'run', jobs]);
  if (process.arch === 'x64') {
    // The NEON kernels, cross-compiled and run under qemu, so they are tested, not hoped for.
    const cross = ['ARCH=arm64', 'CXX=aarch64-linux-gnu-g++', 'RUNNER=qemu-aarch64 -L /usr/aarch64-linux-gnu', 'ONLY=kernels'];
    run('NEON kernel tests (arm64 under qemu)', 'make', ['-s', '-C', 'native/test', ...cross, 'run', jobs]);
    // The Windows x64 addon and native tests, cross-compiled, run under wine and in node.exe (test/windows/).
    run('Windows x64 build and tests (under wine)', process.execPath, ['test/windows/run.mjs']);
  }
}
if (!only || only === 'unit') {
  // Test files run in parallel, one per core (node's default leaves one core idle).
  run('unit tests', process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${availableParallelism()}`, ...testFiles('test')]);
}
if ((!only || only === 'e2e') && existsSync('test/e2e/package.json')) {
  install('the end-to-end dependencies', missingE2eDependencies(), e2eRoot);
  run('end-to-end tests', 'npm', ['--prefix', 'test/e2e', 'test']);
}
printTimings();
console.log('\n✓ all tests passed');
