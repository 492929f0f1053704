// The repository under test: where it is, how its VSIX and a model file are made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

/**
 * Where model files too big to make for every run are kept between runs, for
 * every checkout on this machine (never in the repository). Delete it to make
 * them again, e.g. after a change to the GGUF writer.
 */
export const modelCache = process.env.E2E_MODEL_CACHE ?? '/tmp/bitnet-e2e-cache';

/** A model file of `shape` from the cache, made there first if it is missing (`ms` 0 when reused). */
export function cachedModel(shape) {
  const file = join(modelCache, `bitnet-${shape}.gguf`);
  if (existsSync(file)) return { model: file, ms: 0 };
  mkdirSync(modelCache, { recursive: true });
  // Made under another name and renamed: an interrupted run or one running
  // beside it never finds half a file.
  const partial = `${file}.${process.pid}.partial`;
  try {
    const { ms } = makeModel(partial, shape);
    renameSync(partial, file);
    return { model: file, ms };
  } finally {
    rmSync(partial, { force: true });
  }
}
