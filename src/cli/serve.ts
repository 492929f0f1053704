// `bitnet serve --model FILE [--host 127.0.0.1] [--port 8080] [--slots 4]
// [--ctx 2048] [--threads N] [--api-key KEY] [--alias NAME]`: serves the
// model over the llama.cpp server's endpoints and the OpenAI-compatible ones
// until interrupted. The API key may also come from $BITNET_API_KEY, which
// keeps it out of the process list.
import { loadAddon } from '../engine/addon-loader';
import { startServer } from '../server/bitnet-server';
import { MAX_SLOTS, MAX_STEP_TOKENS, SERVER_DEFAULTS } from '../server/server-config';
import { UsageError, parseArgs } from './args';
import { packageRoot } from './open-model';

const USAGE =
  'usage: bitnet serve --model FILE [--host 127.0.0.1] [--port 8080] [--slots 4] [--ctx 2048] [--threads N] [--api-key KEY] [--alias NAME] [--prefill-chunk 64]';

function integer(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export async function serveCommand(args: string[]): Promise<number> {
  const { options, positional } = parseArgs(args, ['model', 'host', 'port', 'slots', 'ctx', 'threads', 'api-key', 'alias', 'prefill-chunk']);
  const modelPath = options.get('model');
  if (!modelPath || positional.length > 0) throw new UsageError(USAGE);
  const host = options.get('host') ?? SERVER_DEFAULTS.host;
  const apiKey = options.get('api-key') ?? (process.env.BITNET_API_KEY || undefined);
  const server = await startServer(loadAddon(packageRoot()), {
    modelPath,
    host,
    port: integer(options.get('port'), 'port', 0, 65535, SERVER_DEFAULTS.port),
    slots: integer(options.get('slots'), 'slots', 1, MAX_SLOTS, SERVER_DEFAULTS.slots),
    contextSize: integer(options.get('ctx'), 'ctx', 64, 1 << 20, SERVER_DEFAULTS.contextSize),
    threads: integer(options.get('threads'), 'threads', 0, 256, SERVER_DEFAULTS.threads),
    // A step's prompt tokens and every slot's decoded token must fit one evalBatch.
    prefillChunk: integer(options.get('prefill-chunk'), 'prefill-chunk', 2, MAX_STEP_TOKENS - MAX_SLOTS, SERVER_DEFAULTS.prefillChunk),
    apiKey,
    alias: options.get('alias'),
  });
  const { config } = server;
  console.log(`bitnet serve: ${config.modelPath}, ${config.slots} slots of ${config.contextSize} tokens, listening on ${server.url}`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !apiKey) {
    console.log('bitnet serve: listening beyond this machine without --api-key: anyone who can reach it can use it.');
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
