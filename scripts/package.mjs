// `npm run package`: the VSIX for this machine's platform, as published:
// the native addon (built only if its sources changed, scripts/build-native.mjs),
// minified bundles, and `vsce package` for this platform and CPU, e.g.
// bitnet-0.1.0-linux-x64.vsix. Install it in VS Code with "Extensions: Install
// from VSIX…" or `code --install-extension <file>`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
// VS Code's target names are Node's platform and arch: linux-x64, darwin-arm64, win32-x64, …
const target = `${process.platform}-${process.arch}`;
const out = `bitnet-${version}-${target}.vsix`;

function run(command, args) {
  const r = spawnSync(command, args, { cwd: repo, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`package: ${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

run('npm', ['run', '--silent', 'build:native']);
run(process.execPath, ['esbuild.mjs', '--production']);
run(process.execPath, [join(repo, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--target', target, '--out', out]);
console.log(`package: wrote ${out}`);
