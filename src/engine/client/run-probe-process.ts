// Starts the probe process (probe-process.ts, bundled as dist/probe.js) in a
// child process and reports whether the addon loads.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { platformTag } from '../addon/addon-loader';
import type { ProbeResult } from '../addon/probe-process';

const PROBE_TIMEOUT_MS = 20_000;

/** Resolves with null when the addon loads, or with the reason it does not. */
export function probeAddon(extensionRoot: string): Promise<string | null> {
  const script = path.join(extensionRoot, 'dist', 'probe.js');
  // Inside VS Code desktop, execPath is Electron: make it behave as Node.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  return new Promise((resolve) => {
    execFile(process.execPath, [script, extensionRoot], { env, timeout: PROBE_TIMEOUT_MS }, (err, stdout) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const result = JSON.parse(line) as ProbeResult;
        if (result.ok) return resolve(null);
        return resolve(result.message ?? 'the native engine failed to load');
      } catch {
        const how = err && 'signal' in err && err.signal ? `was killed by ${err.signal}` : `exited with ${err?.code ?? 'no output'}`;
        resolve(`BitNet's native engine crashed while loading on ${platformTag()} (the test process ${how}). Reinstall the extension for this platform.`);
      }
    });
  });
}
