// The published VSIX holds what the extension needs at run time and nothing
// else. Run after `npm run package` (run.mjs does both).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listZip } from './lib/vsix.mjs';
import { manifest, repoRoot, vsixPath } from './lib/project.mjs';

const entries = listZip(vsixPath);
const names = entries.map((e) => e.name);
const entry = (name) => entries.find((e) => e.name === name);

// Everything allowed in the archive; vsce renames README, CHANGELOG and LICENSE.
const allowed = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt)$/,
  /^extension\/dist\/[\w-]+\.js$/,
  /^extension\/dist\/media\/[\w.-]+\.(js|css)$/,
  /^extension\/media\/[\w.-]+\.(png|svg|css)$/,
  /^extension\/prebuilds\/linux-x64\/[\w.-]+\.node$/,
];

test('the VSIX contains only the bundles, the linux-x64 prebuild, media and the package documents', () => {
  const unexpected = names.filter((n) => !allowed.some((re) => re.test(n)));
  assert.deepEqual(unexpected, [], `unexpected files in the VSIX:\n${unexpected.join('\n')}`);
});

test('the VSIX has no sources, tests, node_modules, source maps or build leftovers', () => {
  const bad = names.filter((n) => /\.map$|\.ts$|\.cc$|\.h$|(^|\/)(node_modules|src|test|native|build|scripts)\//.test(n));
  assert.deepEqual(bad, []);
});

test('the VSIX has the manifest, README, CHANGELOG, LICENSE, icon and both bundles', () => {
  const required = ['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', manifest.icon.replace(/^\.\//, ''), 'dist/extension.js', 'dist/worker.js'];
  const missing = required.filter((f) => !names.includes(`extension/${f}`));
  assert.deepEqual(missing, [], `missing from the VSIX: ${missing.join(', ')}`);
  assert.ok(names.includes(`extension/${manifest.main.replace(/^\.\//, '')}`), `the manifest's main (${manifest.main}) is not in the VSIX`);
});

test('every bundle esbuild wrote for the extension is in the VSIX (the CLI is not)', () => {
  // The extension starts workers from dist/<name>.js; one left out fails only at run time.
  const bundles = (dir) => (existsSync(join(repoRoot, dir)) ? readdirSync(join(repoRoot, dir)).filter((f) => /\.(js|css)$/.test(f)).map((f) => `${dir}/${f}`) : []);
  const built = [...bundles('dist'), ...bundles('dist/media')].filter((f) => f !== 'dist/cli.js');
  const missing = built.filter((f) => !names.includes(`extension/${f}`));
  assert.deepEqual(missing, [], `built but not packaged: ${missing.join(', ')}`);
  assert.ok(!names.includes('extension/dist/cli.js'), 'the command-line tool is not part of the extension');
});

test('the VSIX is marked for linux-x64', () => {
  const xml = entry('extension.vsixmanifest').read().toString('utf8');
  assert.match(xml, /TargetPlatform="linux-x64"/);
});

test('the prebuilt addon is a stripped x86-64 ELF shared object', () => {
  const addons = entries.filter((e) => /^extension\/prebuilds\/linux-x64\/.+\.node$/.test(e.name));
  assert.ok(addons.length >= 1, 'no prebuilds/linux-x64/*.node in the VSIX');
  for (const addon of addons) {
    const elf = addon.read();
    assert.equal(elf.toString('latin1', 0, 4), '\x7fELF', `${addon.name} is not an ELF file`);
    assert.equal(elf.readUInt16LE(16), 3, `${addon.name} is not a shared object`);
    assert.equal(elf.readUInt16LE(18), 62, `${addon.name} is not built for x86-64`);
    // --strip removes the symbol table: no section named .symtab.
    assert.ok(!elf.includes('.symtab'), `${addon.name} still has a symbol table`);
  }
});
