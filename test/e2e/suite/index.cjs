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
