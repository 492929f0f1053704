import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { bitnetCli } from '../helpers/cli';

const root = path.resolve(__dirname, '../..');
const COMMANDS = ['version', 'make-model', 'inspect', 'tokenize', 'run', 'logits', 'bench'];

function bitnet(...args: string[]) {
  const r = spawnSync(process.execPath, [bitnetCli(), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bitnet --help lists every command and how to get help on one', () => {
  const r = bitnet('--help');
  assert.equal(r.code, 0, r.stderr);
  for (const name of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${name} +\\S`, 'm'));
  assert.match(r.stdout, /'bitnet <command> --help'/);
});

test('every command prints its usage and options for --help, and exits 0 without doing anything', () => {
  for (const name of COMMANDS) {
    const r = bitnet(name, '--help');
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: bitnet ${name}\\b`), name);
    assert.match(r.stdout, /-h, --help +show this help/, name);
    assert.equal(r.stderr, '', name);
  }
  assert.match(bitnet('run', '--help').stdout, /--temp T +sampling temperature from 0 to 2/);
  assert.equal(bitnet('help', 'logits').stdout, bitnet('logits', '-h').stdout);
});

test('an unknown command or option is named in a one-line error, with exit code 2', () => {
  const command = bitnet('runn');
  assert.equal(command.code, 2);
  assert.match(command.stderr, /^bitnet: unknown command 'runn'/);
  const option = bitnet('run', '--modle', 'x.gguf', '--prompt', 'hi');
  assert.equal(option.code, 2);
  assert.equal(option.stderr, "bitnet run: unknown option --modle (see 'bitnet run --help')\n");
});
