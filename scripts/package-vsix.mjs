// `node scripts/package-vsix.mjs [TARGET]`: the VSIX for one VS Code target
// (linux-x64, win32-x64, …; default: this machine's), carrying only that
// target's prebuilt addon, with production bundles. The addon must already
// be in prebuilds/TARGET/ (`npm run build:native` here; native/win32/ builds
// win32-x64 on Linux). Writes bitnet-VERSION-TARGET.vsix and prints its path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const target = process.argv[2] ?? `${process.platform}-${process.arch}`;
const addons = existsSync(join('prebuilds', target)) ? readdirSync(join('prebuilds', target)).filter((f) => f.endsWith('.node')) : [];
if (addons.length === 0) {
  console.error(`package-vsix: no prebuilt addon in prebuilds/${target}/; build it first`);
  process.exit(1);
}

function run(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// .vscodeignore lets all of prebuilds/ in; other targets' addons may sit
// there too (npm test builds win32-x64 beside linux-x64), so this VSIX's
// ignore file lets in only its own target's folder.
const rules = readFileSync('.vscodeignore', 'utf8');
if (!rules.includes('\n!prebuilds/**\n')) {
  console.error('package-vsix: .vscodeignore no longer has the line "!prebuilds/**" this script narrows');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'bitnet-vsix-'));
const ignoreFile = join(dir, '.vscodeignore');
writeFileSync(ignoreFile, rules.replace('\n!prebuilds/**\n', `\n!prebuilds/${target}/**\n`));

try {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const out = `bitnet-${version}-${target}.vsix`;
  run(process.execPath, ['esbuild.mjs', '--production']);
  run('npx', ['vsce', 'package', '--no-dependencies', '--target', target, '--ignoreFile', ignoreFile, '--out', out]);
  console.log(out);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
