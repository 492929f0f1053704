// Bundles the extension host code, the engine worker, the CLI and the chat
// webview script into dist/. `--watch` rebuilds on change, `--production`
// minifies and drops source maps, `--cli-only` builds just the CLI.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const args = new Set(process.argv.slice(2));
const production = args.has('--production');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  external: ['vscode'],
};

const builds = [
  {
    ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' }, define: { VERSION: JSON.stringify(pkg.version) },
  },
];
if (!args.has('--cli-only')) {
  builds.push({
    ...node,
    entryPoints: {
      extension: 'src/extension.ts',
      worker: 'src/engine/worker/worker.ts',
      probe: 'src/engine/addon/probe-process.ts',
      'model-check': 'src/model/model-check-worker.ts',
      'token-count': 'src/chat/token-count-worker.ts',
    },
    outdir: 'dist',
  });
  builds.push({
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production,
    logLevel: 'info', entryPoints: { chat: 'media/chat.ts' }, outdir: 'dist/media',
  });
}

if (args.has('--watch')) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
