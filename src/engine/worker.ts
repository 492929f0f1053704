// The engine worker: the only code that loads and calls the native addon, so
// that model work never blocks the extension host's main thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { BitnetAddon } from '../../native';
import { loadAddon } from './addon-loader';
import type { ClientToWorker, ErrorInfo, RequestMap, WorkerData, WorkerToClient } from './protocol';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

function send(message: WorkerToClient): void {
  port!.postMessage(message);
}

function errorInfo(err: unknown, fallbackCode: string): ErrorInfo {
  const e = err as Error & { code?: string };
  return { code: typeof e?.code === 'string' ? e.code : fallbackCode, message: e?.message ?? String(err) };
}

type Handlers = { [K in keyof RequestMap]: (params: RequestMap[K]['params']) => RequestMap[K]['result'] | Promise<RequestMap[K]['result']> };

function makeHandlers(addon: BitnetAddon): Handlers {
  return {
    hello: () => ({
      addonVersion: addon.version(),
      cpu: addon.cpuFeatures(),
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    }),
  };
}

function start(): void {
  const { extensionRoot } = workerData as WorkerData;
  let handlers: Handlers;
  try {
    handlers = makeHandlers(loadAddon(extensionRoot));
  } catch (err) {
    send({ type: 'ready', ok: false, error: errorInfo(err, 'ADDON_LOAD_FAILED') });
    return;
  }
  port!.on('message', async (message: ClientToWorker) => {
    if (message?.type !== 'request' || !(message.kind in handlers)) return;
    try {
      const handler = handlers[message.kind] as (p: unknown) => unknown;
      send({ type: 'response', id: message.id, ok: true, result: await handler(message.params) });
    } catch (err) {
      send({ type: 'response', id: message.id, ok: false, error: errorInfo(err, 'ENGINE_ERROR') });
    }
  });
  send({ type: 'ready', ok: true });
}

start();
