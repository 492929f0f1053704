// `bitnet serve --model FILE`: serves the model over the llama.cpp server's
// endpoints and the OpenAI-compatible ones until interrupted. The API key may
// also come from $BITNET_API_KEY, which keeps it out of the process list.
import { loadAddon } from '../engine/addon/addon-loader';
import { startServer } from '../server/bitnet-server';
import { MAX_SLOTS, MAX_STEP_TOKENS, SERVER_DEFAULTS } from '../server/server-config';
import { wholeNumber, type Command } from './args';
import { CONTEXT } from './limits';
import { packageRoot, threadCount } from './open-model';

const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '::1'];

export const serve: Command = {
  spec: {
    name: 'serve',
    description:
      'Serves the model over the llama.cpp server\'s endpoints (/completion, /tokenize, /health, /props) and the OpenAI-compatible ones (/v1/completions, /v1/chat/completions, /v1/models) until interrupted.',
    options: {
      model: { type: 'string', value: 'FILE', help: 'the GGUF model', required: true },
      host: { type: 'string', value: 'ADDRESS', help: 'address to listen on; anything but 127.0.0.1 lets other machines in', default: SERVER_DEFAULTS.host },
      port: { type: 'string', value: 'N', help: 'port to listen on; 0 picks a free one', default: String(SERVER_DEFAULTS.port) },
      slots: { type: 'string', value: 'N', help: `users served at once, each with its own cache (1 to ${MAX_SLOTS})`, default: String(SERVER_DEFAULTS.slots) },
      ctx: { type: 'string', value: 'N', help: 'tokens each slot\'s cache holds', default: String(SERVER_DEFAULTS.contextSize) },
      threads: { type: 'string', value: 'N', help: 'CPU threads; 0 is one per physical core', default: String(SERVER_DEFAULTS.threads) },
      'api-key': { type: 'string', value: 'KEY', help: 'require this bearer key (default: $BITNET_API_KEY, else none)' },
      alias: { type: 'string', value: 'NAME', help: 'the model name the server reports' },
      'prefill-chunk': { type: 'string', value: 'N', help: 'most prompt tokens a step reads over all slots', default: String(SERVER_DEFAULTS.prefillChunk) },
    },
  },
  async run({ values }) {
    const host = String(values.host);
    const apiKey = (values['api-key'] as string | undefined) ?? (process.env.BITNET_API_KEY || undefined);
    const server = await startServer(loadAddon(packageRoot()), {
      modelPath: String(values.model),
      host,
      port: wholeNumber(values, 'port', 0, 65535),
      slots: wholeNumber(values, 'slots', 1, MAX_SLOTS),
      contextSize: wholeNumber(values, 'ctx', CONTEXT.min, CONTEXT.max),
      threads: threadCount(values),
      // A step's prompt tokens and every slot's decoded token must fit one evalBatch.
      prefillChunk: wholeNumber(values, 'prefill-chunk', 2, MAX_STEP_TOKENS - MAX_SLOTS),
      apiKey,
      alias: values.alias as string | undefined,
    });
    const { config } = server;
    console.log(`bitnet serve: ${config.modelPath}, ${config.slots} slots of ${config.contextSize} tokens, listening on ${server.url}`);
    if (!LOCAL_HOSTS.includes(host) && !apiKey) {
      console.log('bitnet serve: listening beyond this machine without --api-key: anyone who can reach it can use it.');
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  },
};
