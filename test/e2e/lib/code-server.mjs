// Runs a private code-server (VS Code 1.100 with a Node extension host) for
// one test session: a fresh profile under /tmp, a free port on 127.0.0.1,
// no network, and a clean stop of its whole process tree.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patience } from './patience.mjs';

const e2eRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(e2eRoot, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Settings that keep the workbench quiet, offline and predictable for a test. */
export const baseSettings = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  // The walkthrough would otherwise cover the editor area.
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  // No suggest widget: Tab must go to the inline suggestion.
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
  'editor.parameterHints.enabled': false,
  'editor.minimap.enabled': false,
  'git.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'json.schemaDownload.enable': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'typescript.surveys.enabled': false,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
};

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A profile: user data, extensions, XDG dirs and a config file, fresh in
 * /tmp unless `root` names a folder to keep. The path stays short because
 * code-server puts a Unix socket in user-data. Settings are written unless
 * the profile already has its own.
 */
export function createProfile({ settings = {}, root, userDataDir, extensionsDir } = {}) {
  if (root) mkdirSync(root, { recursive: true });
  else root = mkdtempSync('/tmp/bne-');
  const profile = {
    root,
    userDataDir: userDataDir ?? join(root, 'ud'),
    extensionsDir: extensionsDir ?? join(root, 'ext'),
    config: join(root, 'xdg', 'config.yaml'),
    xdg: join(root, 'xdg'),
  };
  for (const dir of [profile.userDataDir, profile.extensionsDir, join(profile.userDataDir, 'User'), profile.xdg]) {
    mkdirSync(dir, { recursive: true });
  }
  // Without --config, code-server writes ~/.config/code-server/config.yaml.
  writeFileSync(profile.config, 'auth: none\n');
  if (!existsSync(join(profile.userDataDir, 'User', 'settings.json'))) writeSettings(profile, settings);
  return profile;
}

/** User settings.json: the quiet base settings plus `settings`. Call before the server starts. */
export function writeSettings(profile, settings = {}) {
  writeFileSync(join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...baseSettings, ...settings }, null, 2));
}

/** The environment code-server and its extension host run with. */
export function serverEnv(profile, extra = {}) {
  const env = { ...process.env };
  // PORT and CODE_SERVER_HOST override --bind-addr; VSCODE_* from an outer
  // VS Code terminal would redirect the CLI to that VS Code.
  for (const key of Object.keys(env)) {
    if (key === 'PORT' || key === 'CODE_SERVER_HOST' || key.startsWith('VSCODE_') || key.startsWith('npm_')) delete env[key];
  }
  return {
    ...env,
    XDG_CONFIG_HOME: join(profile.xdg, 'config'),
    XDG_DATA_HOME: join(profile.xdg, 'data'),
    XDG_CACHE_HOME: join(profile.xdg, 'cache'),
    // An empty gallery turns the marketplace (Open VSX by default) off.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

function profileArgs(profile) {
  return ['--config', profile.config, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** `code-server --install-extension <vsix>` into the profile, before the server starts. */
export function installExtension(profile, vsix) {
  const r = spawnSync(process.execPath, [entry, ...profileArgs(profile), '--install-extension', vsix], {
    env: serverEnv(profile),
    encoding: 'utf8',
  });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) {
    throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout.trim();
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early (code ${child.exitCode})`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

/**
 * Starts code-server on a free port and waits for /healthz. `env` reaches the
 * extension host. Returns { url, port, stop, output }.
 */
export async function startCodeServer(profile, { env = {}, timeoutMs = patience(30_000), port } = {}) {
  port ??= await freePort();
  const args = [
    entry, ...profileArgs(profile),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
  ];
  // Its own process group: it forks a file watcher, a pty host and the
  // extension host, and stop() kills them all at once.
  const child = spawn(process.execPath, args, { env: serverEnv(profile, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  try {
    await waitForHealth(url, child, timeoutMs);
  } catch (err) {
    await stop();
    throw new Error(`${err.message}\n${output.join('')}`);
  }
  return { url, port, child, stop, output };
}

function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      // The group may outlive its leader for a moment.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      resolve();
    });
    try { process.kill(-child.pid, 'SIGTERM'); } catch { resolve(); }
  });
}

/** The workbench URL for a folder, with an optional VS Code web `payload`. */
export function workbenchUrl(server, folder, payload = []) {
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** A path on this machine as the URI the server-side (Node) extension host loads. */
export function remoteUri(server, path) {
  return `vscode-remote://127.0.0.1:${server.port}${path}`;
}

/** The extension host logs of a profile, oldest session first. */
function extensionHostLogs(profile) {
  const logs = join(profile.userDataDir, 'logs');
  if (!existsSync(logs)) return [];
  return readdirSync(logs).sort()
    .map((session) => join(logs, session, 'exthost1', 'remoteexthost.log'))
    .filter((file) => existsSync(file));
}

/**
 * When the extension host started activating `extensionId` (ms since the
 * epoch), from its log; undefined if it has not. The log's times are local.
 */
export function activationTime(profile, extensionId) {
  for (const file of extensionHostLogs(profile)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) .*ExtensionService#_doActivateExtension (\S+?),/.exec(line);
      if (m && m[3] === extensionId) return new Date(`${m[1]}T${m[2]}`).getTime();
    }
  }
  return undefined;
}

/** Copies the extension host and server logs of a profile into `outDir`. */
export function copyLogs(profile, server, outDir) {
  mkdirSync(outDir, { recursive: true });
  if (server) writeFileSync(join(outDir, 'code-server.log'), server.output.join(''));
  const logs = join(profile.userDataDir, 'logs');
  if (!existsSync(logs)) return;
  for (const session of readdirSync(logs)) {
    const host = join(logs, session, 'exthost1', 'remoteexthost.log');
    if (existsSync(host)) cpSync(host, join(outDir, 'exthost.log'));
    const dir = join(logs, session, 'exthost1');
    if (!existsSync(dir)) continue;
    // Our own output channels, if the extension writes any.
    for (const name of readdirSync(dir)) {
      if (name.startsWith('output_logging')) cpSync(join(dir, name), join(outDir, name), { recursive: true });
    }
  }
}

export function removeProfile(profile) {
  rmSync(profile.root, { recursive: true, force: true });
}
