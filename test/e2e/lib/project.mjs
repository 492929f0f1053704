// The repository under test: where it is, how its VSIX and a model file are made.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eRoot = dirname(dirname(fileURLToPath(import.meta.url)));
export const repoRoot = resolve(e2eRoot, '..', '..');
export const outRoot = join(e2eRoot, 'out');

export const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
export const extensionId = `${manifest.publisher}.${manifest.name}`;
export const vsixPath = join(repoRoot, `bitnet-${manifest.version}-linux-x64.vsix`);

/** Runs an npm script at the repository root; output is shown only on failure. */
function npmRun(args, what) {
  const started = Date.now();
  // JOBS: node-gyp compiles the addon's files in parallel.
  const env = { ...process.env, JOBS: process.env.JOBS ?? 'max' };
  const r = spawnSync('npm', ['run', '--silent', ...args], { cwd: repoRoot, encoding: 'utf8', env });
  if (r.status !== 0) {
    throw new Error(`${what} failed (npm run ${args.join(' ')}, exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { ms: Date.now() - started, output: r.stdout };
}

/** `npm run package`: the VSIX exactly as it is published. */
export function packageVsix() {
  const { ms } = npmRun(['package'], 'packaging the extension');
  if (!existsSync(vsixPath)) throw new Error(`npm run package did not produce ${vsixPath}`);
  return { vsix: vsixPath, ms };
}

/** A model file made by the project's own GGUF writer: 'tiny', or '2b4t' (the real model's shape, 1.2 GB). */
export function makeModel(out, shape = 'tiny') {
  const { ms } = npmRun(['make-model', '--', '--shape', shape, '--out', out], `making the ${shape} model`);
  if (!existsSync(out)) throw new Error(`npm run make-model did not write ${out}`);
  return { model: out, ms };
}
