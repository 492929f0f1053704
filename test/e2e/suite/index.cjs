// Integration tests that run inside VS Code's extension host (the module
// `--extensionTestsPath` names). VS Code calls run() and reports a thrown
// error as a failed run. A tiny runner keeps mocha out of the bundle-free
// test folder: each test is a sentence and a function.
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'bitnet-vscode.bitnet-vscode';
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function extension() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext;
}

test('the extension is loaded from the development folder', () => {
  const ext = extension();
  assert.equal(ext.packageJSON.name, 'bitnet-vscode');
  assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace, 'it runs in the Node extension host');
});

test('the extension activates without an error', async () => {
  const ext = extension();
  await ext.activate();
  assert.equal(ext.isActive, true);
});

test('every command the manifest contributes is registered', async () => {
  const contributed = extension().packageJSON.contributes.commands.map((c) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((c) => !registered.has(c));
  assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
});

test('the settings are contributed with their defaults', () => {
  const config = vscode.workspace.getConfiguration('bitnet');
  assert.equal(config.get('inline.enabled'), true);
  assert.equal(typeof config.get('inline.maxTokens'), 'number');
  assert.equal(typeof config.get('modelPath'), 'string');
});

test('Show stats answers from the engine worker with the CPU features', async () => {
  await vscode.commands.executeCommand('bitnet.showStats');
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor, 'Show stats opened no editor');
  const text = editor.document.getText();
  assert.doesNotMatch(text, /engine is not running/, text);
  assert.match(text, /Engine: native addon \d+\.\d+\.\d+/, text);
  assert.match(text, /CPU: \d+ cores \(\d+ threads\), features: /, text);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('Show stats run again reuses its one read-only Markdown document, which never needs saving', async () => {
  await vscode.commands.executeCommand('bitnet.showStats');
  const first = vscode.window.activeTextEditor.document;
  await vscode.commands.executeCommand('bitnet.showStats');
  const second = vscode.window.activeTextEditor.document;
  assert.equal(second, first, 'a second document was opened');
  assert.equal(first.languageId, 'markdown');
  assert.equal(first.isUntitled, false);
  assert.equal(first.isDirty, false);
  // A virtual document: the editor shows it read-only (the UI scenario "stats" types into it).
  assert.ok(!['file', 'untitled'].includes(first.uri.scheme), first.uri.toString());
  const stats = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === first.uri.scheme);
  assert.equal(stats.length, 1);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

/** "Shift+Alt+B" and "alt+shift+b" are the same key. */
const normalizeKey = (key) => key.toLowerCase().split(' ').map((chord) => chord.split('+').sort().join('+')).join(' ');

test("BitNet's keys are none of VS Code's default keys", async () => {
  await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
  const doc = vscode.window.activeTextEditor.document;
  const defaults = JSON.parse(doc.getText().split('\n').filter((l) => !l.trim().startsWith('//')).join('\n'));
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  const taken = new Map();
  for (const k of defaults) if (!k.command.startsWith('bitnet.') && !k.command.startsWith('-')) taken.set(normalizeKey(k.key), k.command);
  assert.ok(taken.size > 300, `only ${taken.size} default keys were read`);
  for (const binding of extension().packageJSON.contributes.keybindings) {
    const key = normalizeKey(binding.key);
    assert.ok(!taken.has(key), `${binding.key} (${binding.command}) is VS Code's key for ${taken.get(key)}`);
  }
});

exports.run = async function run() {
  let failed = 0;
  for (const { name, fn } of tests) {
    try {
      await fn();
      console.log(`  ✓ ${name}`);
    } catch (err) {
      failed++;
      console.log(`  ✗ ${name}\n    ${String(err && err.stack || err).split('\n').join('\n    ')}`);
    }
  }
  console.log(`extension host tests: ${tests.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} extension host test(s) failed`);
};
