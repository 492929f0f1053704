// The Windows x64 build as a Windows user gets it: the addon in the
// win32-x64 VSIX, loaded by node.exe under wine, against the Linux build on
// the same model. Run by run.mjs, after it has built and packaged both.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { listZip } from '../e2e/lib/vsix.mjs';
import { nodeExe, repoRoot, runWindows } from './wine.mjs';

const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = join(repoRoot, `bitnet-${version}-win32-x64.vsix`);
const testedAddon = join(repoRoot, 'prebuilds', 'win32-x64', 'bitnet-vscode.node');
const cli = join(repoRoot, 'dist', 'cli.js');
// "<|begin_of_text|>Hello world, this is a test." in the Llama 3 vocabulary.
const tokens = '128000,9906,1917,374,264,1296,13';

const work = mkdtempSync(join(tmpdir(), 'bitnet-windows-'));
const model = join(work, 'tiny.gguf');
after(() => rmSync(work, { recursive: true, force: true }));

function linux(args) {
  // maxBuffer: --all prints every logit (128,256 of them, about 2.5 MB).
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `Linux: bitnet ${args[0]} failed:\n${r.stderr}`);
  return r.stdout;
}

function windows(program, script, args) {
  const r = runWindows(program, [script, ...args]);
  assert.equal(r.status, 0, `Windows: bitnet ${args[0]} failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A file at a second name: a hard link where possible (node.exe is 80 MB). */
function linkOrCopy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

before(() => linux(['make-model', '--shape', 'tiny', '--out', model]));

test('the win32-x64 VSIX carries the Windows addon that was tested, and no other platform’s', () => {
  const entries = listZip(vsix);
  const addons = entries.filter((e) => e.name.startsWith('extension/prebuilds/'));
  assert.deepEqual(addons.map((e) => e.name), ['extension/prebuilds/win32-x64/bitnet-vscode.node']);
  const dll = addons[0].read();
  assert.ok(dll.equals(readFileSync(testedAddon)), 'the packaged addon is not the one built and tested here');
  // A PE file ("MZ", then "PE\0\0"), for x86-64 (machine 0x8664), a DLL (characteristics bit 0x2000).
  const pe = dll.readUInt32LE(0x3c);
  assert.equal(dll.toString('latin1', 0, 2), 'MZ');
  assert.equal(dll.toString('latin1', pe, pe + 4), 'PE\0\0');
  assert.equal(dll.readUInt16LE(pe + 4), 0x8664);
  assert.ok(dll.readUInt16LE(pe + 22) & 0x2000, 'not a DLL');
  const manifest = entries.find((e) => e.name === 'extension.vsixmanifest').read().toString('utf8');
  assert.match(manifest, /TargetPlatform="win32-x64"/);
});

// MinGW's sinf and cosf differ from glibc's by one ulp in about 1% of RoPE
// angles; on this model every such difference rounds away (K and the batch's
// Q are rounded to F16). If this ever fails by a few ulps, look there first.
test('the CLI in node.exe under wine gives the same logits as the Linux build, to the bit', () => {
  const args = ['logits', '--model', model, '--tokens', tokens, '--all'];
  const onLinux = JSON.parse(linux(args));
  const onWindows = JSON.parse(windows(nodeExe, cli, args));
  assert.equal(onWindows.logits.length, onLinux.logits.length);
  const differ = onLinux.logits.filter((v, i) => !Object.is(v, onWindows.logits[i])).length;
  assert.equal(differ, 0, `${differ} of ${onLinux.logits.length} logits differ`);
  assert.deepEqual(onWindows.top, onLinux.top);
});

test('greedy generation on Windows writes the same text as on Linux, with the same kernels and thread count', () => {
  const args = ['run', '--model', model, '--prompt', 'The quick brown fox', '--n', '32'];
  // The last line is the timing; only its kernels and threads must agree.
  const split = (out) => {
    const m = /^([\s\S]*)\n\s*prompt .*, (\S+ kernels, \d+ threads)\s*$/.exec(out.replace(/\r\n/g, '\n'));
    assert.ok(m, `unexpected output of bitnet run:\n${out}`);
    return { text: m[1], engine: m[2] };
  };
  const onLinux = split(linux(args));
  const onWindows = split(windows(nodeExe, cli, args));
  assert.equal(onWindows.text, onLinux.text);
  assert.equal(onWindows.engine, onLinux.engine);
});

test('the addon from the VSIX loads in a program not named node.exe, as in VS Code’s Code.exe', () => {
  // The extension as VS Code unpacks it, plus the CLI to drive it; the CLI
  // finds the addon under the package root it runs from.
  const root = join(work, 'extension');
  for (const e of listZip(vsix).filter((e) => e.name.startsWith('extension/') && !e.name.endsWith('/'))) {
    const file = join(work, e.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, e.read());
  }
  copyFileSync(cli, join(root, 'dist', 'cli.js'));
  const code = join(work, 'host', 'Code.exe');
  linkOrCopy(nodeExe, code);
  const args = ['logits', '--model', model, '--tokens', tokens, '--all'];
  assert.equal(windows(code, join(root, 'dist', 'cli.js'), args), linux(args));
});

test('a model in a folder named in non-Latin letters loads on Windows', () => {
  const file = join(work, '模型 Ωμέγα', 'tiny.gguf');
  linkOrCopy(model, file);
  const args = ['logits', '--model', file, '--tokens', tokens, '--top', '5'];
  assert.deepEqual(JSON.parse(windows(nodeExe, cli, args)).top, JSON.parse(linux(args)).top);
});
