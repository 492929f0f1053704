// Starts the model-check worker (model-check-worker.ts, bundled as
// dist/model-check.js in the extension) for one file and turns its reply into a resolved or rejected promise.
import { Worker } from 'node:worker_threads';
import type { ContentCheck } from './download';
import type { ModelCheckReply, ModelCheckRequest } from './model-check-worker';

/** A ModelReader that reads `file` on a worker thread running `script`. */
export function readModelInWorker(script: string, execArgv?: string[]): (file: string) => Promise<void> {
  return async (file) => {
    await ask(script, execArgv, { file });
  };
}

/** The download's content check for a model: the GGUF header, read on a worker thread as it arrives. */
export function checkModelDownloadInWorker(script: string, execArgv?: string[]): ContentCheck {
  return async (file, claimedBytes) => {
    const reply = await ask(script, execArgv, { file, download: claimedBytes ?? null });
    if (!reply.ok) return undefined; // more bytes needed
    return { min: reply.minBytes!, max: reply.maxBytes! };
  };
}

/** Resolves to the reply; rejects with the worker's message when the check failed. */
function ask(script: string, execArgv: string[] | undefined, request: ModelCheckRequest): Promise<ModelCheckReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: request, execArgv });
    let replied = false;
    worker.once('message', (reply: ModelCheckReply) => {
      replied = true;
      if (reply.ok || reply.needMore) resolve(reply);
      else reject(new Error(reply.message ?? 'the model check failed'));
    });
    worker.once('error', (err) => {
      replied = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!replied) reject(new Error(`the model check stopped unexpectedly (exit code ${code})`));
    });
  });
}
