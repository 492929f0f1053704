// An EngineClient with its real worker thread over the tiny test model, on
// one thread, as the extension host runs it.
import { EngineClient } from '../../src/engine/client/engine-client';
import { tinyModelPath } from './model-files';
import { extensionRoot } from './tiny-engine';

export function tinyClient(options: Parameters<EngineClient['setModel']>[1] = {}): EngineClient {
  const client = new EngineClient(extensionRoot);
  client.setModel(tinyModelPath(), { threads: 1, ...options });
  return client;
}
