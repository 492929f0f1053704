#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron launches.
// No desktop VS Code or Electron can be installed here, so this takes the
// same command line, starts code-server (a real VS Code with a Node
// extension host), loads the workbench in Chromium with the extension under
// development and the test module, and exits with the tests' exit code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { copyLogs, createProfile, remoteUri, removeProfile, startCodeServer, workbenchUrl } from './lib/code-server.mjs';
import { measureSlowdown, patience } from './lib/patience.mjs';
import { outRoot } from './lib/project.mjs';

// For an idle machine; stretched by the slowdown measured at the start (lib/patience.mjs).
const TIMEOUT_MS = 120_000;
// The workbench's own start-up chatter; the full log goes to workbench.log.
const CHATTER = /^(Resolving connection|Resolved connection|Creating a socket|Ignoring fetching|Updating additional|ChatSessionStore|\[Service Worker\]|Creation of workbench contribution)/;

function parseArgs(argv) {
  const flags = { extensionDevelopmentPath: [] };
  const positional = [];
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) positional.push(resolve(arg));
    else if (m[1] === 'extensionDevelopmentPath') flags.extensionDevelopmentPath.push(resolve(m[2]));
    else if (m[2] !== undefined) flags[m[1]] = m[2];
    // Electron-only switches (--no-sandbox, --disable-updates, ...) do not apply.
  }
  return { flags, folder: positional[0] };
}

async function main() {
  const { flags, folder } = parseArgs(process.argv.slice(2));
  if (!flags.extensionTestsPath) {
    console.error('vscode-shim: only test runs (--extensionTestsPath) are supported');
    return 2;
  }
  measureSlowdown();
  const out = join(outRoot, 'test-electron');
  mkdirSync(out, { recursive: true });
  const profile = createProfile({ userDataDir: flags['user-data-dir'], extensionsDir: flags['extensions-dir'] });
  let server;
  let browser;
  try {
    server = await startCodeServer(profile);
    browser = await launchBrowser();
    const { page } = await newPage(browser);
    let exit;
    const exited = new Promise((r) => { exit = r; });
    // The workbench calls these when it runs extension tests (as VS Code's
    // own smoke tests and @vscode/test-web use them).
    const log = [];
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (args ?? []).join(' ');
      log.push(`[${type}] ${text}`);
      if (process.env.E2E_VERBOSE || !CHATTER.test(text)) console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => exit(code));
    const payload = [
      ...flags.extensionDevelopmentPath.map((p) => ['extensionDevelopmentPath', remoteUri(server, p)]),
      ['extensionTestsPath', remoteUri(server, resolve(flags.extensionTestsPath))],
    ];
    await page.goto(workbenchUrl(server, folder, payload));
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), patience(TIMEOUT_MS)); });
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    writeFileSync(join(out, 'workbench.log'), log.join('\n'));
    await page.screenshot({ path: join(out, 'extension-host-tests.png') }).catch(() => {});
    if (code === 'timeout') {
      console.error(`vscode-shim: the tests did not finish within ${patience(TIMEOUT_MS) / 1000} s`);
      return 1;
    }
    return code;
  } finally {
    await browser?.close();
    await server?.stop();
    copyLogs(profile, server, out);
    removeProfile(profile);
  }
}

process.exitCode = await main();
