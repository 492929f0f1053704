// (7) Team scale: with "bitnet.backend": "server", inline completion and chat
// come from a `bitnet serve` on 127.0.0.1 (started here with an API key, the
// key stored through "BitNet: Set server API key…"), and Show stats names
// the server. The server's own slots count the requests it took. The profile goes
// back to the local engine afterwards.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseSettings, freePort } from '../lib/code-server.mjs';
import { repoRoot } from '../lib/project.mjs';
import { sendChat, stopIfGenerating, watchReply } from '../lib/chat.mjs';
import { activeEditor, chatFrame, editorText, openChatView, openFile, runCommand } from '../lib/workbench.mjs';

const KEY = 'e2e-team-key';
const GHOST = '.ghost-text-decoration, .ghost-text';
// No brackets or quotes: the editor would auto-close them after the cursor.
const CANDIDATES = ['result = ', 'import sys', 'total = a + '];

async function startServe(model) {
  const port = await freePort();
  const args = [join(repoRoot, 'dist', 'cli.js'), 'serve', '--model', model, '--port', String(port), '--slots', '2', '--threads', '1'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BITNET_API_KEY: KEY } });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`bitnet serve did not start: ${out}`)), 60_000);
    const read = (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`bitnet serve exited (${code}): ${out}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { url, stop };
}

/** Requests the server's slots have taken. */
async function serverRequests(url) {
  const res = await fetch(`${url}/slots`, { headers: { Authorization: `Bearer ${KEY}` } });
  const slots = await res.json();
  return slots.reduce((sum, s) => sum + s.requests, 0);
}

/** "BitNet: Set server API key…" from the palette; its password box opens in the same widget. */
async function storeApiKey(page) {
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor();
  await page.keyboard.type('BitNet: Set server API key');
  await widget.locator('.monaco-list-row', { hasText: 'Set server API key' }).first().waitFor();
  await page.keyboard.press('Enter');
  await widget.locator('input[type="password"]').waitFor();
  await page.keyboard.type(KEY);
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
}

/** The extension's "BitNet" log as written under the profile, for failure messages. */
function bitnetLog(profile) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/BitNet\.log$/.test(entry.name)) found.push(readFileSync(path, 'utf8'));
    }
  };
  try {
    walk(profile.userDataDir);
  } catch (err) {
    return `(no log: ${err.message})`;
  }
  return found.join('\n') || '(no BitNet log file found)';
}

/** Replaces the user settings the way a user would: in settings.json, saved. */
async function setUserSettings(page, settings) {
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  await page.locator('.tab.active', { hasText: 'settings.json' }).waitFor();
  await activeEditor(page).locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  // insertText types no brackets or quotes of its own (no auto-closing).
  await page.keyboard.insertText(JSON.stringify({ ...baseSettings, ...settings }, null, 2));
  await page.keyboard.press('Control+S');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached' });
}

async function statsText(page) {
  await runCommand(page, 'BitNet: Show stats');
  await page.locator('.view-lines', { hasText: 'BitNet stats' }).first().waitFor();
  return editorText(page);
}

export default {
  id: 'server',
  profile: 'with-model',
  title: 'with the server backend, completion and chat come from bitnet serve, and Show stats names it',
  async run({ page, profile, shot, expect, note }) {
    const model = join(profile.root, 'tiny.gguf');
    const serve = await startServe(model);
    let restore;
    try {
      note(`bitnet serve at ${serve.url}`);
      await storeApiKey(page);
      const local = { 'bitnet.modelPath': model, 'bitnet.chat.maxTokens': 4096 };
      await setUserSettings(page, { ...local, 'bitnet.backend': 'server', 'bitnet.server.url': serve.url });
      restore = () => setUserSettings(page, local);

      // Show stats names the server once the switch is made.
      let stats = '';
      for (let i = 0; i < 20 && !stats.includes(`Backend: server ${serve.url}`); i++) {
        if (i > 0) await page.waitForTimeout(500);
        stats = await statsText(page);
      }
      await shot('stats-server');
      expect(stats.includes(`Backend: server ${serve.url} (llama.cpp server protocol)`), `Show stats does not name the server:\n${stats}\nBitNet log:\n${bitnetLog(profile)}`);
      expect(/Server engine: native addon/.test(stats), `Show stats does not describe the server's engine:\n${stats}`);

      const before = await serverRequests(serve.url);
      await openFile(page, 'fib.py');
      const editor = activeEditor(page);
      await editor.locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      let shown = false;
      for (const typed of CANDIDATES) {
        await page.keyboard.press('Enter');
        await page.keyboard.type(typed, { delay: 30 });
        shown = await editor.locator(GHOST).first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
        if (shown) break;
        note(`no suggestion after ${JSON.stringify(typed)}`);
      }
      await shot('ghost-text');
      expect(shown, `no ghost text appeared after typing any of ${JSON.stringify(CANDIDATES)}`);
      const afterCompletion = await serverRequests(serve.url);
      expect(afterCompletion > before, `the server took no completion request (${before} → ${afterCompletion})`);
      await page.keyboard.press('Escape');

      await openChatView(page);
      const chat = chatFrame(page);
      await chat.locator('textarea#input').waitFor({ timeout: 30_000 });
      const reply = await watchReply(chat);
      await sendChat(chat, 'Who answers this, the server?');
      const seen = await reply.startedOrEnded();
      note(`chat reply from the server: ${JSON.stringify(seen.text.slice(0, 60))}…`);
      await shot('chat');
      await stopIfGenerating(chat);
      const afterChat = await serverRequests(serve.url);
      expect(afterChat > afterCompletion, `the server took no chat request (${afterCompletion} → ${afterChat})`);

      // Show stats refreshes its one document in place: the new figures land a moment after the command.
      for (let i = 0; i < 20 && !/Completion: first token in/.test(stats); i++) {
        if (i > 0) await page.waitForTimeout(500);
        stats = await statsText(page);
      }
      await shot('stats-after');
      expect(/Completion: first token in \d+ ms/.test(stats), `Show stats has no completion from the server:\n${stats}`);
    } finally {
      await restore?.().catch(() => {});
      await serve.stop();
    }
  },
};
