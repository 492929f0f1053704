// Builds the native addon into prebuilds/<platform>-<arch>/ (prebuildify
// --napi --strip), once: `npm ci`, `npm start`, `npm test` and
// `npm run package` all call this, and it compiles only when the addon's
// inputs changed since the last build. The inputs are every file under
// native/src, binding.gyp and the files it reads flags and defines from,
// node-addon-api's version, the compiler's version, the compiler variables
// of the environment and the target. Their hash and the hash of the binary
// built from them go to build/native-inputs.json; a binary that no longer
// matches its hash is rebuilt too.
//
//   npm run build:native                      build if anything changed
//   npm run build:native -- --force           build anyway
//   npm run build:native -- --check           exit 0 if up to date, 1 if a build is due; build nothing
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const PREBUILDIFY_ARGS = ['--napi', '--strip'];
const COMPILER_VARIABLES = ['CC', 'CXX', 'CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS', 'npm_config_arch', 'PREBUILD_ARCH', 'PREBUILD_PLATFORM'];
const platform = process.env.PREBUILD_PLATFORM ?? process.platform;
const arch = process.env.PREBUILD_ARCH ?? process.env.npm_config_arch ?? process.arch;
const prebuildDir = join(repo, 'prebuilds', `${platform}-${arch}`);
const stampPath = join(repo, 'build', 'native-inputs.json');

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** What the compiler prints for `--version`, or why it could not be asked. */
function compilerVersion() {
  const cxx = process.env.CXX ?? (process.platform === 'win32' ? 'cl' : 'c++');
  const r = spawnSync(cxx, ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return r.status === 0 ? r.stdout.trim() : `${cxx}: not found`;
}

function inputsHash() {
  const hash = createHash('sha256');
  const add = (label, value) => hash.update(`${label}\0${value}\0`);
  const flagFiles = ['binding.gyp', 'native/isa-flags.json', 'native/isa-flags.js', 'native/model-limits.json', 'native/limits-defines.js'];
  for (const file of [...filesUnder(join(repo, 'native', 'src')), ...flagFiles.map((f) => join(repo, f))]) {
    add(relative(repo, file).split('\\').join('/'), readFileSync(file));
  }
  add('node-addon-api', JSON.parse(readFileSync(join(repo, 'node_modules', 'node-addon-api', 'package.json'), 'utf8')).version);
  add('compiler', compilerVersion());
  for (const name of COMPILER_VARIABLES) add(name, process.env[name] ?? '');
  add('target', `${platform}-${arch} prebuildify ${PREBUILDIFY_ARGS.join(' ')}`);
  return hash.digest('hex');
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The built binaries, each with its hash, or [] if there are none. */
function builtBinaries() {
  if (!existsSync(prebuildDir)) return [];
  return readdirSync(prebuildDir)
    .filter((f) => f.endsWith('.node'))
    .map((f) => ({ file: relative(repo, join(prebuildDir, f)).split('\\').join('/'), sha256: sha256(join(prebuildDir, f)) }));
}

function upToDate(inputs) {
  if (!existsSync(stampPath)) return false;
  const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  const now = builtBinaries();
  return stamp.inputs === inputs && now.length > 0 && JSON.stringify(stamp.binaries) === JSON.stringify(now);
}

function build() {
  // JOBS: node-gyp compiles the addon's files in parallel.
  const env = { ...process.env, JOBS: process.env.JOBS ?? 'max' };
  const bin = join(repo, 'node_modules', 'prebuildify', 'bin.js');
  const r = spawnSync(process.execPath, [bin, ...PREBUILDIFY_ARGS], { cwd: repo, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build-native: prebuildify failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const started = Date.now();
const inputs = inputsHash();
if (process.argv.includes('--check')) {
  const fresh = upToDate(inputs);
  console.log(`native addon: ${fresh ? 'up to date' : 'a build is due'} (inputs ${inputs.slice(0, 12)})`);
  process.exit(fresh ? 0 : 1);
}
if (!process.argv.includes('--force') && upToDate(inputs)) {
  console.log(`native addon: up to date (${relative(repo, prebuildDir)}, inputs ${inputs.slice(0, 12)})`);
} else {
  console.log(`native addon: building ${relative(repo, prebuildDir)} (inputs ${inputs.slice(0, 12)})`);
  build();
  mkdirSync(dirname(stampPath), { recursive: true });
  writeFileSync(stampPath, `${JSON.stringify({ inputs, binaries: builtBinaries() }, null, 2)}\n`);
  console.log(`native addon: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
