// `npm test` in test/e2e (the root `npm test` calls it): packages the VSIX
// as published, checks its contents, drives the UI scenarios in a real
// VS Code, then runs the extension host suite through @vscode/test-electron.
// Every step runs even if an earlier one failed; the exit code says if any did.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { e2eRoot, packageVsix, vsixPath } from './lib/project.mjs';
import { listZip } from './lib/vsix.mjs';

const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const steps = [];

function step(title, command, args) {
  console.log(`\n## ${title}\n$ ${[command, ...args].join(' ')}`);
  const t = Date.now();
  const r = spawnSync(command, args, { cwd: e2eRoot, stdio: 'inherit' });
  steps.push({ title, ok: r.status === 0, ms: Date.now() - t });
}

console.log('## npm run package (at the repository root)');
try {
  const { ms } = packageVsix();
  const entries = listZip(vsixPath).filter((e) => !e.name.endsWith('/'));
  console.log(`${vsixPath}: ${(statSync(vsixPath).size / 1024).toFixed(1)} KiB, ${entries.length} files, built in ${secs(ms)}`);
  for (const e of entries) console.log(`  ${e.name.padEnd(56)} ${String(e.size).padStart(9)} B`);
  steps.push({ title: 'package the VSIX', ok: true, ms });
} catch (err) {
  console.error(err.message);
  console.error('\n✗ packaging failed; nothing else can run');
  process.exit(1);
}

step('the VSIX contents', process.execPath, ['--test', '--test-reporter=spec', 'vsix.test.mjs']);
step('UI scenarios in code-server + Chromium', process.execPath, ['e2e.mjs', '--no-build']);
step('extension host suite via @vscode/test-electron', process.execPath, ['run-test-electron.mjs']);

console.log('\n## end-to-end summary');
for (const s of steps) console.log(`  ${s.ok ? '✓' : '✗'} ${s.title} (${secs(s.ms)})`);
const failed = steps.filter((s) => !s.ok).length;
console.log(`end-to-end: ${steps.length - failed} passed, ${failed} failed in ${secs(Date.now() - started)}`);
process.exitCode = failed ? 1 : 0;
