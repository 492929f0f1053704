import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL_APPROX_BYTES, MODEL_MAX_BYTES, MODEL_SIZE_TEXT } from '../../src/model/model-size';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(rel) : /\.(ts|json|md)$/.test(e.name) ? [rel] : [];
  });
}

/** Figures like "1.2 GB" or "1.19GB" outside comments. */
function sizeFigures(text: string): string[] {
  const code = text
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .join('\n')
    .replace(/\s+/g, ' ');
  return code.match(/(?:about )?\b1\.\d+ ?GB\b/gi) ?? [];
}

test('the model size is "about 1.19 GB", with a 5 % cap above it', () => {
  assert.equal(MODEL_SIZE_TEXT, 'about 1.19 GB');
  assert.ok(MODEL_MAX_BYTES > MODEL_APPROX_BYTES && MODEL_MAX_BYTES < MODEL_APPROX_BYTES * 1.1);
});

test('the README gives the model size in the same words, and no other figure for it', () => {
  const figures = sizeFigures(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).filter((f) => !/^about 1\.1 GB$/i.test(f));
  assert.ok(figures.length > 0);
  assert.deepEqual([...new Set(figures)], [MODEL_SIZE_TEXT]);
});

test('no message in the extension spells the size out instead of using the constant', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('media'), 'package.json'].filter((f) => !f.endsWith('model-size.ts'));
  const found = files.flatMap((f) => sizeFigures(fs.readFileSync(path.join(root, f), 'utf8')).map((x) => `${f}: ${x}`));
  assert.deepEqual(found, []);
});
