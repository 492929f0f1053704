// Runs the GGUF reader's model check on a worker thread: parsing the
// vocabulary of the real file takes about half a second, which must not block
// the extension host. Answers one message, { ok } or { ok: false, message }.
import { parentPort, workerData } from 'node:worker_threads';
import { readBitnetModel } from '../engine/bitnet-model';

export interface ModelCheckReply {
  ok: boolean;
  message?: string;
}

let reply: ModelCheckReply;
try {
  readBitnetModel((workerData as { file: string }).file);
  reply = { ok: true };
} catch (err) {
  reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
}
parentPort?.postMessage(reply);
