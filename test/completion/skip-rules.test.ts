import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, type SkipInput } from '../../src/completion/skip-rules';

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
  ['an AWS credentials file skips', { fileName: '/home/u/.aws/credentials', languageId: 'ini' }, 'sensitive-file'],
  ['a new untitled file gets completions', { uriScheme: 'untitled', fileName: 'Untitled-1' }, undefined],
  ['a file of a remote workspace gets completions', { uriScheme: 'vscode-remote', fileName: '/home/u/w/a.ts' }, undefined],
  ['a notebook cell gets completions', { uriScheme: 'vscode-notebook-cell', fileName: '/w/analysis.ipynb' }, undefined],
  ['the user settings file skips', { uriScheme: 'vscode-userdata', fileName: '/home/u/.config/Code/User/settings.json' }, 'not-a-workspace-file'],
  ['an output channel skips', { uriScheme: 'output', fileName: 'extension-output-bitnet-#1-BitNet' }, 'not-a-workspace-file'],
  ['the old side of a git diff skips', { uriScheme: 'git', fileName: '/w/src/a.ts' }, 'not-a-workspace-file'],
  ['a debug console or other virtual document skips', { uriScheme: 'debug', fileName: '/w/src/a.ts' }, 'not-a-workspace-file'],
];

for (const [name, over, expected] of rows) test(name, () => assert.equal(skipReason({ ...base, ...over }), expected));
