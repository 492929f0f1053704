// Starts the model-check worker (dist/model-check.js in the extension) for one
// file and turns its reply into a resolved or rejected promise.
import { Worker } from 'node:worker_threads';
import type { ModelCheckReply } from './model-check-worker';

/** A ModelReader that reads `file` on a worker thread running `script`. */
export function readModelInWorker(script: string, execArgv?: string[]): (file: string) => Promise<void> {
  return (file) =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(script, { workerData: { file }, execArgv });
      let replied = false;
      worker.once('message', (reply: ModelCheckReply) => {
        replied = true;
        if (reply.ok) resolve();
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
