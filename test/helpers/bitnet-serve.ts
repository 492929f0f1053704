// `bitnet serve` on the tiny test model, in the test process, on a free
// port of 127.0.0.1: the real server the server client and the protocol
// tests talk to.
import { loadAddon } from '../../src/engine/addon/addon-loader';
import { startServer, type RunningServer } from '../../src/server/bitnet-server';
import type { ServerConfig } from '../../src/server/server-config';
import { tinyModelPath } from './model-files';
import { extensionRoot } from './tiny-engine';

export async function serveTinyModel(options: Partial<ServerConfig> = {}): Promise<RunningServer> {
  return startServer(loadAddon(extensionRoot), { modelPath: tinyModelPath(), port: 0, threads: 1, slots: 2, contextSize: 512, ...options });
}

/** Reads a whole event stream and returns each event's data. */
export async function eventData(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n'))
    .filter((data) => data !== '');
}

/** Polls `check` every 10 ms until it is true or `ms` pass. */
export async function waitFor(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
