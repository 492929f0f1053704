// Finishes code-server's install offline. Runs as this folder's postinstall.
//
// code-server's npm package ships VS Code without its node_modules; its own
// postinstall.sh runs `npm install` inside lib/vscode. package.json denies
// that script (allowScripts) because, run plainly, it fails here three ways:
// - as root it stops unless npm_config_unsafe_perm=true;
// - @vscode/ripgrep's postinstall downloads rg from GitHub, which is not
//   reachable. It first looks in $TMPDIR/vscode-ripgrep-cache-<version>/, so
//   we put a tarball of the system's rg (Debian's ripgrep) there;
// - node-pty's postinstall calls `npx node-gyp`, and ~/.npmrc says yes=false.
// A marker file makes later runs skip the work (`npm ci` removes it).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const codeServer = join(here, 'node_modules', 'code-server');
const marker = join(codeServer, '.offline-setup-done');

function fail(message) {
  console.error(`setup-code-server: ${message}`);
  process.exit(1);
}

function ripgrepVersion() {
  const shrinkwrap = JSON.parse(readFileSync(join(codeServer, 'lib/vscode/npm-shrinkwrap.json'), 'utf8'));
  const entry = shrinkwrap.packages?.['node_modules/@vscode/ripgrep'];
  if (!entry?.version) fail('lib/vscode/npm-shrinkwrap.json does not list @vscode/ripgrep');
  return entry.version;
}

/** The rg release tag @vscode/ripgrep would download, read from its postinstall. */
function ripgrepTag(version, work) {
  execFileSync('npm', ['pack', `@vscode/ripgrep@${version}`, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  execFileSync('tar', ['xzf', join(work, tgz), '-C', work, 'package/lib/postinstall.js']);
  const source = readFileSync(join(work, 'package/lib/postinstall.js'), 'utf8');
  const tag = /const VERSION = '([^']+)'/.exec(source)?.[1];
  if (!tag) fail(`could not find the ripgrep release tag in @vscode/ripgrep@${version}`);
  return tag;
}

function ripgrepTarget() {
  const targets = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' };
  const target = process.platform === 'linux' ? targets[process.arch] : undefined;
  if (!target) fail(`this setup supports Linux x64/arm64 only, not ${process.platform}-${process.arch}`);
  return target;
}

function systemRipgrep() {
  const r = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' });
  const rg = r.stdout.trim();
  if (!rg) fail('ripgrep is not installed (apt-get install -y ripgrep); VS Code needs an rg binary');
  return rg;
}

function seedRipgrepCache(work) {
  const version = ripgrepVersion();
  const tag = ripgrepTag(version, join(work, 'pack'));
  const cache = join(work, 'tmp', `vscode-ripgrep-cache-${version}`);
  const stage = join(work, 'stage');
  mkdirSync(cache, { recursive: true });
  mkdirSync(stage);
  copyFileSync(systemRipgrep(), join(stage, 'rg'));
  execFileSync('tar', ['czf', join(cache, `ripgrep-${tag}-${ripgrepTarget()}.tar.gz`), '-C', stage, 'rg']);
  console.log(`setup-code-server: seeded @vscode/ripgrep ${version} (${tag}) with the system rg`);
  return join(work, 'tmp');
}

function main() {
  if (!existsSync(codeServer)) fail('node_modules/code-server is missing; run npm ci in test/e2e first');
  const version = JSON.parse(readFileSync(join(codeServer, 'package.json'), 'utf8')).version;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === version) return;

  const work = mkdtempSync(join(tmpdir(), 'cs-setup-'));
  mkdirSync(join(work, 'pack'));
  try {
    const env = {
      ...process.env,
      TMPDIR: seedRipgrepCache(work),
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
      // postinstall.sh picks npm or yarn from this; we are always npm.
      npm_config_user_agent: process.env.npm_config_user_agent ?? `npm/? node/${process.version} ${process.platform} ${process.arch}`,
    };
    console.log('setup-code-server: installing VS Code server dependencies (builds native modules, about a minute)');
    const r = spawnSync('sh', ['postinstall.sh'], { cwd: codeServer, env, stdio: 'inherit' });
    if (r.status !== 0) fail(`code-server's postinstall.sh failed (exit ${r.status ?? r.signal})`);
    writeFileSync(marker, version);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
