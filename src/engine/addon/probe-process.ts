// The probe process (bundled as dist/probe.js): run as a short-lived child
// process by run-probe-process.ts before the engine worker first loads the
// addon: if the binary is incompatible and crashes on load, it takes down this
// process, not the extension host. Prints one JSON line and exits.
import { loadAddon } from './addon-loader';

export interface ProbeResult {
  ok: boolean;
  message?: string;
}

function main(): void {
  const root = process.argv[2];
  let result: ProbeResult;
  try {
    const addon = loadAddon(root);
    addon.cpuFeatures();
    result = { ok: true };
  } catch (err) {
    result = { ok: false, message: (err as Error).message };
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main();
