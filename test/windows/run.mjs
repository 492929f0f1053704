// `npm test`'s Windows x64 stage, on x64 Linux: cross-builds the addon and
// the native tests with MinGW-w64 (native/win32/), runs the kernel, engine,
// ops and loader-fuzz tests under wine, packages the win32-x64 VSIX from
// that addon, and checks it in node.exe under wine against the Linux build
// (windows.test.mjs). Needs the Linux build first (npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkTools, ensureNodeExe, ensurePrefix, repoRoot, stopWine, wineEnv } from './wine.mjs';

function step(title, command, args, options = {}) {
  console.log(`\n## ${title}\n$ ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: repoRoot, ...options });
  if (r.status !== 0) throw new Error(`${title} failed (exit ${r.status ?? r.signal})`);
}

try {
  if (!existsSync(join(repoRoot, 'dist', 'cli.js')) || !existsSync(join(repoRoot, 'prebuilds', 'linux-x64'))) {
    throw new Error('the Linux build is missing: run `npm run build` first');
  }
  checkTools();
  ensureNodeExe();
  ensurePrefix();
  step('Windows addon and native tests under wine', 'make', ['-s', '-C', 'native/win32', '-j2', 'all', 'run'], { env: wineEnv });
  step('package the win32-x64 VSIX', process.execPath, ['scripts/package-vsix.mjs', 'win32-x64']);
  step('the Windows addon in node.exe under wine', process.execPath, ['--test', 'test/windows/windows.test.mjs']);
} catch (err) {
  console.error(`\n${err.message}`);
  process.exitCode = 1;
} finally {
  stopWine();
}
