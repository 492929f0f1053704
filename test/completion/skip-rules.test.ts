import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSensitive, skipReason, type SkipInput } from '../../src/completion/skip-rules';

const base: SkipInput = {
  selectionCount: 1, hasSelection: false, uriScheme: 'file', fileName: '/w/src/a.ts', languageId: 'typescript',
  documentLength: 100, enabled: true, sensitivePatterns: [], maxFileSize: 1_000_000,
};

const rows: [string, Partial<SkipInput>, ReturnType<typeof skipReason>][] = [
  ['an ordinary file gets completions', {}, undefined],
  ['completion switched off skips', { enabled: false }, 'disabled'],
  ['several cursors skip', { selectionCount: 2 }, 'multiple-cursors'],
  ['an active selection skips', { hasSelection: true }, 'selection'],
  ['the source-control input box skips', { uriScheme: 'vscode-scm' }, 'scm-input'],
  ['a .env file skips', { fileName: '/w/.env' }, 'sensitive-file'],
  ['a .env.local file skips', { fileName: '/w/.env.local' }, 'sensitive-file'],
  ['a PEM key skips', { fileName: 'C:\\keys\\server.PEM' }, 'sensitive-file'],
  ['an SSH private key skips', { fileName: '/home/u/.ssh/id_ed25519' }, 'sensitive-file'],
  ['a pattern from settings skips', { fileName: '/w/prod.tfvars', sensitivePatterns: ['*.tfvars'] }, 'sensitive-file'],
  ['a file over the size limit skips', { documentLength: 2_000_000 }, 'file-too-large'],
];

for (const [name, over, expected] of rows) test(name, () => assert.equal(skipReason({ ...base, ...over }), expected));

test('files that merely mention env are not treated as secrets', () => {
  assert.equal(isSensitive('/w/src/environment.ts'), false);
  assert.equal(isSensitive('/w/src/envelope.py'), false);
});
