import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** `build-native.mjs --check`: whether a build is due, and the inputs hash it printed. */
function check(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['scripts/build-native.mjs', '--check'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  const inputs = /inputs ([0-9a-f]{12})/.exec(r.stdout)?.[1];
  assert.ok(inputs, r.stdout + r.stderr);
  return { code: r.status, inputs };
}

test('the native addon inputs hash is the same from one run to the next', () => {
  assert.equal(check({}).inputs, check({}).inputs);
});

test('other compiler flags in the environment make the native addon build again', () => {
  const flags = `${process.env.CXXFLAGS ?? ''} -DBITNET_BUILD_NATIVE_TEST`;
  const changed = check({ CXXFLAGS: flags });
  assert.notEqual(changed.inputs, check({}).inputs);
  assert.equal(changed.code, 1, 'a build is due');
});
