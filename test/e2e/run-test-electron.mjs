// Runs suite/ inside VS Code's extension host through @vscode/test-electron.
// On a machine that can download VS Code, `--desktop` uses a real desktop
// VS Code; here runTests launches vscode-shim.mjs (code-server + Chromium)
// with the very same command line.
import { runTests } from '@vscode/test-electron';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eRoot, repoRoot } from './lib/project.mjs';

const desktop = process.argv.includes('--desktop');
// Short profile paths: code-server puts a Unix socket in the user-data dir.
const tmp = mkdtempSync('/tmp/bne-te-');
const workspace = join(tmp, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'hello.py'), 'print("hello")\n');

try {
  await runTests({
    ...(desktop ? {} : { vscodeExecutablePath: join(e2eRoot, 'vscode-shim.mjs') }),
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(e2eRoot, 'suite', 'index.cjs'),
    launchArgs: [workspace, `--user-data-dir=${join(tmp, 'ud')}`, `--extensions-dir=${join(tmp, 'ext')}`],
  });
} catch (err) {
  console.error(`extension host tests failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
