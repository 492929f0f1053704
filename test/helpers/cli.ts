// The `bitnet` command line for tests, run as a user runs it: in a process of
// its own. The CLI is bundled once per test process with esbuild, as
// `npm run build` bundles dist/cli.js: starting each child under tsx instead
// costs about a second of CPU, and the CLI tests start dozens. The bundle
// goes under build/ in the repository, so it finds prebuilds/ the way
// dist/cli.js does.
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
let bundle: string | undefined;

/** The path of the bundled CLI: run it with `node <path> <command> …`. */
export function bitnetCli(): string {
  if (bundle) return bundle;
  const out = path.join(root, 'build', 'test-cli', `cli-${process.pid}.js`);
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  buildSync({
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    define: { VERSION: JSON.stringify(version) },
    logLevel: 'error',
  });
  process.once('exit', () => fs.rmSync(out, { force: true }));
  bundle = out;
  return out;
}
