// `npm start`: builds the extension, then opens it under development in
// desktop VS Code when the `code` command exists, or else in a browser-based
// VS Code (code-server, from the end-to-end harness) on 127.0.0.1, whose
// URL it prints. Ctrl+C stops the server.
//
//   npm start                 desktop VS Code if available, else the browser
//   npm start -- --browser    always the browser-based VS Code
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { e2eRoot, missingDependencies, missingE2eDependencies, npmCi } from './dependencies.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const forceBrowser = process.argv.includes('--browser');

function run(title, command, args, options = {}) {
  console.log(`\n> ${title}`);
  const r = spawnSync(command, args, { cwd: repo, stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`\n${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function openDesktop() {
  console.log('\nOpening VS Code with the extension under development (Extension Development Host)…');
  run('code', 'code', [`--extensionDevelopmentPath=${repo}`, repo]);
}

async function openBrowser() {
  if (missingE2eDependencies().length) {
    const { command, args, cwd } = npmCi(e2eRoot);
    run('install the browser-based VS Code (code-server: about 110 MB to download and a few minutes, once)', command, args, { cwd });
  }
  const cs = await import('../test/e2e/lib/code-server.mjs');
  // A kept profile, so settings such as bitnet.modelPath survive a restart.
  // In /tmp, because code-server's socket path must stay short.
  const profile = cs.createProfile({ root: join(tmpdir(), `bitnet-vscode-dev-${userInfo().uid}`) });
  const server = await cs.startCodeServer(profile);
  const payload = [['extensionDevelopmentPath', cs.remoteUri(server, repo)]];
  const url = cs.workbenchUrl(server, repo, payload);
  console.log(`\nBitNet for VS Code is running in a browser-based VS Code (code-server):\n\n  ${url}\n`);
  console.log(`Open that URL in your browser. Profile: ${profile.root}\nPress Ctrl+C to stop.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.child.on('exit', (code) => {
    if (stopping) return;
    console.error(`code-server stopped unexpectedly (exit ${code}):\n${server.output.join('').slice(-2000)}`);
    process.exit(1);
  });
}

if (missingDependencies(repo).length) {
  const { command, args, cwd } = npmCi(repo);
  run('install the dependencies (npm ci)', command, args, { cwd });
}
// The native addon is compiled only if its sources changed since `npm ci` built it.
run('build (native addon + bundles)', 'npm', ['run', 'build']);
if (!forceBrowser && hasCommand('code')) openDesktop();
else await openBrowser();
