// The model-check worker (bundled as dist/model-check.js; run-model-check.ts
// starts it) runs the GGUF reader's model check on a worker thread, because
// parsing the vocabulary of the real file takes about half a second, which
// must not block the extension host. Answers one message.
//
// Two questions, by `workerData`:
//   { file }                  is this complete file a model we can load?
//   { file, download: size }  do the first bytes of a download in progress
//                             (claiming `size` bytes, or null if unknown) hold
//                             the header of a model we can load, and how long
//                             must the whole file then be?
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { checkBitnetModel, readBitnetModel } from '../model-file/bitnet-model';
import { parseGguf, readAt, type ByteSource } from '../model-file/gguf-reader';
import { alignUp } from '../model-file/gguf-format';

export interface ModelCheckRequest {
  file: string;
  /** Set for a download in progress: the size the server claims, or null when it did not say. */
  download?: number | null;
}

export type ModelCheckReply =
  | { ok: true; /** For a download: the sizes the complete file may have. */ minBytes?: number; maxBytes?: number }
  | { ok: false; /** For a download: the header has not all arrived yet. */ needMore?: boolean; message?: string };

function answer(request: ModelCheckRequest): ModelCheckReply {
  if (request.download === undefined) {
    readBitnetModel(request.file);
    return { ok: true };
  }
  const fd = fs.openSync(request.file, 'r');
  try {
    let short = false;
    // The file will be `download` bytes long; reads stop at what has arrived.
    const source: ByteSource = {
      size: request.download ?? Number.MAX_SAFE_INTEGER,
      read(target, position) {
        const done = readAt(fd, target, position);
        if (done < target.length) short = true;
        return done;
      },
    };
    try {
      const gguf = parseGguf(source, request.file);
      checkBitnetModel(gguf);
      const end = gguf.tensors.reduce((most, t) => Math.max(most, t.offset + t.bytes), gguf.dataOffset);
      return { ok: true, minBytes: end, maxBytes: alignUp(end, gguf.alignment) };
    } catch (err) {
      if (short) return { ok: false, needMore: true };
      throw err;
    }
  } finally {
    fs.closeSync(fd);
  }
}

let reply: ModelCheckReply;
try {
  reply = answer(workerData as ModelCheckRequest);
} catch (err) {
  reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
}
parentPort?.postMessage(reply);
