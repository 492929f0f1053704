// What the manifest puts in front of the user: the menu label, the keys,
// the settings heading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MODEL_CONFIG } from '../../src/engine/protocol';

interface Keybinding {
  command: string;
  key: string;
  mac?: string;
  when?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const contributes = manifest.contributes;
const keybindings: Keybinding[] = contributes.keybindings;

/**
 * Default keys of the big AI extensions for VS Code (Linux/Windows), read from
 * their published manifests: Continue (extensions/vscode/package.json),
 * Sourcegraph Cody (vscode/package.json), Tabnine, llama.vscode, and
 * Copilot's inline-suggestion keys. Copilot's chat keys (Ctrl+Alt+I, Ctrl+I,
 * Ctrl+Shift+I) are VS Code defaults; the extension host suite checks
 * VS Code's own defaults.
 */
const PEER_KEYS: Record<string, string[]> = {
  copilot: ['alt+\\', 'alt+]', 'alt+[', 'ctrl+enter', 'ctrl+alt+i', 'ctrl+i', 'ctrl+shift+i', 'ctrl+shift+alt+l', 'ctrl+right'],
  continue: ['ctrl+l', 'ctrl+shift+l', 'ctrl+i', 'ctrl+shift+r', 'ctrl+k ctrl+m', 'ctrl+k ctrl+a', 'ctrl+alt+space', 'alt+a', 'ctrl+k ctrl+n', 'ctrl+alt+y', 'ctrl+alt+n', 'ctrl+shift+enter', 'ctrl+shift+backspace'],
  cody: ['alt+l', 'alt+k', 'shift+alt+/', 'shift+alt+p', 'alt+d', 'alt+c', 'shift+alt+c', 'alt+\\', 'alt+a', 'alt+r', 'alt+p', 'alt+x', 'alt+z', 'ctrl+alt+enter'],
  tabnine: ['ctrl+shift+q'],
  'llama.vscode': ['ctrl+l', 'ctrl+shift+l', 'ctrl+shift+,', 'ctrl+shift+m', 'ctrl+shift+a', 'ctrl+;', 'ctrl+shift+t', 'ctrl+shift+e', 'ctrl+k ctrl+a'],
};

/** "Shift+Alt+B" and "alt+shift+b" are the same key. */
function normalize(key: string): string {
  return key
    .toLowerCase()
    .split(' ')
    .map((chord) => chord.split('+').sort().join('+'))
    .join(' ');
}

test('the editor context-menu item names the product', () => {
  const commands = new Map<string, { title: string; category?: string }>(contributes.commands.map((c: { command: string }) => [c.command, c]));
  const items = contributes.menus['editor/context'].map((m: { command: string }) => commands.get(m.command)!);
  assert.ok(items.length > 0);
  // Menus show the title alone, without the category.
  for (const item of items) assert.match(item.title, /^BitNet: /);
});

test('there are keys to focus the chat and to explain the selection', () => {
  assert.deepEqual(keybindings.map((k) => k.command).sort(), ['bitnet.chat.focus', 'bitnet.explainSelection']);
  assert.match(keybindings.find((k) => k.command === 'bitnet.explainSelection')!.when ?? '', /editorHasSelection/);
});

test("BitNet's keys are none of the big AI extensions' default keys", () => {
  for (const [peer, keys] of Object.entries(PEER_KEYS)) {
    const theirs = new Set(keys.map(normalize));
    for (const binding of keybindings) assert.ok(!theirs.has(normalize(binding.key)), `${binding.key} is also ${peer}'s`);
  }
});

test('the settings come in titled groups whose ids VS Code drops from the setting labels (no "Bitnet ›")', () => {
  const groups: Array<{ id: string; title: string; properties: Record<string, unknown> }> = contributes.configuration;
  assert.deepEqual(groups.map((g) => g.title), ['Model', 'Inline completion', 'Chat', 'Server']);
  for (const group of groups) {
    // The Settings editor removes the group id from the front of each setting's
    // category: "bitnet.inline.enabled" in group "bitnet.inline" reads "Enabled".
    assert.ok(group.id === 'bitnet' || group.id.startsWith('bitnet.'), group.id);
    for (const key of Object.keys(group.properties)) assert.ok(key.startsWith('bitnet.'), key);
  }
  const inline = groups.find((g) => g.id === 'bitnet.inline')!;
  assert.ok(Object.keys(inline.properties).filter((k) => k.startsWith('bitnet.inline.')).length >= 5);
});

test('a model path in the user settings counts in remote windows too, and an untrusted workspace cannot set it', () => {
  const groups: Array<{ properties: Record<string, { scope?: string; restricted?: boolean }> }> = contributes.configuration;
  const modelPath = groups.map((g) => g.properties['bitnet.modelPath']).find(Boolean)!;
  // VS Code drops user values of machine-scoped settings in remote windows (code-server, SSH, WSL).
  assert.equal(modelPath.scope, 'window');
  assert.equal(modelPath.restricted, true);
});

test("the KV cache setting offers the engine's two storages and defaults to the engine's own", () => {
  const groups: Array<{ properties: Record<string, { enum?: string[]; default?: unknown }> }> = contributes.configuration;
  const setting = groups.map((g) => g.properties['bitnet.kvCache']).find(Boolean)!;
  assert.deepEqual(setting.enum, ['i8', 'f16']);
  assert.equal(setting.default, DEFAULT_MODEL_CONFIG.kvCache);
});
