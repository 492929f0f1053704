// `npm test`: builds everything, then runs every test suite and exits
// non-zero if any failed. Suites: native C++ tests, TypeScript tests under
// node's built-in runner, and the end-to-end tests in a real VS Code.
// `node test/run.mjs unit` runs only the TypeScript tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];

function run(title, command, args, options = {}) {
  console.log(`\n### ${title}\n$ ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`\n✗ ${title} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function testFiles(dir) {
  const skip = new Set(['e2e', 'bench', 'node_modules', 'fixtures']);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return skip.has(name) ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

if (!only || only === 'build') {
  run('build the native addon', 'npm', ['run', '--silent', 'build:native']);
  run('bundle the extension', 'npm', ['run', '--silent', 'build:js']);
  run('typecheck', 'npx', ['tsc', '--noEmit']);
}
if (!only || only === 'native') {
  run('native tests', 'make', ['-s', '-C', 'native/test', 'run', '-j2']);
  // The loader facing thousands of damaged model files, under AddressSanitizer and UBSan.
  run('native loader fuzz (ASan + UBSan)', 'make', ['-s', '-C', 'native/test', 'SAN=1', 'ONLY=loader_fuzz', 'run', '-j2']);
  if (process.arch === 'x64') {
    // The NEON kernels, cross-compiled and run under qemu, so they are tested, not hoped for.
    const cross = ['ARCH=arm64', 'CXX=aarch64-linux-gnu-g++', 'RUNNER=qemu-aarch64 -L /usr/aarch64-linux-gnu', 'ONLY=kernels'];
    run('NEON kernel tests (arm64 under qemu)', 'make', ['-s', '-C', 'native/test', ...cross, 'run', '-j2']);
    // The Windows x64 addon and native tests, cross-compiled, run under wine and in node.exe (test/windows/).
    run('Windows x64 build and tests (under wine)', process.execPath, ['test/windows/run.mjs']);
  }
}
if (!only || only === 'unit') {
  run('unit tests', process.execPath, ['--import', 'tsx', '--test', ...testFiles('test')]);
}
if ((!only || only === 'e2e') && existsSync('test/e2e/package.json')) {
  run('end-to-end tests', 'npm', ['--prefix', 'test/e2e', 'test']);
}
console.log('\n✓ all tests passed');
