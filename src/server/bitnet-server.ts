// `bitnet serve`: our engine behind the llama.cpp server's endpoints and the
// OpenAI-compatible ones, so the extension (or any client of either) can
// share one machine's model. The model loads before the server listens;
// requests run on slots (slot-scheduler.ts); a client that disconnects stops
// its generation at the next step.
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { BitnetAddon, NativeModel } from '../../native';
import { readBitnetModel } from '../model-file/bitnet-model';
import { Tokenizer } from '../tokenizer/tokenizer';
import type { GenerationRequest, GenerationSink } from './generation-request';
import { LLAMA_CPP_DEFAULT_TEMPERATURE, parseCompletion, streamingCompletionSink, wholeCompletionSink } from './llama-cpp-api';
import { parseOpenAiChat, parseOpenAiCompletion, streamingOpenAiSink, wholeOpenAiSink, type OpenAiKind } from './openai-api';
import { ControlTokens } from './prompt-tokens';
import { asObject, booleanField, RequestError } from './request-body';
import { MAX_BODY_BYTES, MAX_SLOTS, SERVER_DEFAULTS, type ServerConfig } from './server-config';
import { SlotCache } from './slot-cache';
import { SlotJob } from './slot-job';
import { SlotScheduler } from './slot-scheduler';
import { errorBody, sendJson, SseResponse } from './sse-response';
import { DEFAULT_MODEL_CONFIG } from '../engine/protocol';

export interface RunningServer {
  /** Where it listens, like http://127.0.0.1:8080 */
  url: string;
  config: ServerConfig;
  /** Stops listening, ends every request and frees the model. */
  close(): Promise<void>;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export async function startServer(addon: BitnetAddon, options: Partial<ServerConfig> & { modelPath: string }): Promise<RunningServer> {
  const config: ServerConfig = { ...SERVER_DEFAULTS, ...options };
  if (!Number.isInteger(config.slots) || config.slots < 1 || config.slots > MAX_SLOTS) throw new Error(`slots must be from 1 to ${MAX_SLOTS}`);
  const info = readBitnetModel(config.modelPath);
  const tokenizer = Tokenizer.fromVocab(info.vocab);
  const contextSize = Math.min(config.contextSize, info.hparams.contextLength);
  // The extension's compact numbers: a server holds a KV cache per slot.
  const { kvCache, lmHead } = DEFAULT_MODEL_CONFIG;
  const model = addon.loadModel({ path: config.modelPath, hparams: info.hparams, tensors: info.tensors, threads: config.threads, kvCache, lmHead });
  const caches = Array.from({ length: config.slots }, () => new SlotCache(model.createContext(contextSize)));
  const scheduler = new SlotScheduler(model, caches, info.hparams.vocabSize, config.prefillChunk);
  const alias = config.alias ?? path.basename(config.modelPath);
  const app = new ServerApp({ addon, model, tokenizer, scheduler, config: { ...config, contextSize }, alias });

  const freeModel = () => {
    for (const cache of caches) cache.free();
    model.free();
  };
  const server = http.createServer((req, res) => void app.handle(req, res));
  // Long prompts on a slow machine take minutes before the first byte.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    freeModel(); // a port in use, say: nothing may stay loaded
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    config: { ...config, contextSize, port: address.port },
    close: async () => {
      scheduler.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      freeModel();
    },
  };
}

interface AppParts {
  addon: BitnetAddon;
  model: NativeModel;
  tokenizer: Tokenizer;
  scheduler: SlotScheduler;
  config: ServerConfig;
  alias: string;
}

/** The routes, authentication and body reading. */
class ServerApp {
  private readonly routes: Record<string, Route>;
  private readonly keyDigest: Buffer | undefined;
  private controlTokens: ControlTokens | undefined;

  constructor(private readonly p: AppParts) {
    this.keyDigest = p.config.apiKey ? digest(p.config.apiKey) : undefined;
    const health: Route = (_req, res) => sendJson(res, 200, { status: 'ok' });
    const models: Route = (_req, res) =>
      sendJson(res, 200, { object: 'list', data: [{ id: p.alias, object: 'model', created: 0, owned_by: 'bitnet' }] });
    this.routes = {
      'GET /health': health,
      'GET /v1/health': health,
      'GET /props': (_req, res) => sendJson(res, 200, this.props()),
      'GET /slots': (_req, res) => sendJson(res, 200, p.scheduler.info()),
      'GET /models': models,
      'GET /v1/models': models,
      'POST /tokenize': (req, res) => this.tokenize(req, res),
      'POST /detokenize': (req, res) => this.detokenize(req, res),
      'POST /completion': (req, res) => this.completion(req, res),
      'POST /completions': (req, res) => this.completion(req, res),
      'POST /v1/completions': (req, res) => this.openAi(req, res, 'completion'),
      'POST /v1/chat/completions': (req, res) => this.openAi(req, res, 'chat'),
      'POST /chat/completions': (req, res) => this.openAi(req, res, 'chat'),
    };
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', 'http://server').pathname;
    const route = this.routes[`${req.method} ${pathname}`];
    try {
      if (!route) throw new RequestError(404, `no such endpoint: ${req.method} ${pathname}`);
      if (!pathname.endsWith('/health')) this.authenticate(req);
      await route(req, res);
    } catch (err) {
      const e = err instanceof RequestError ? err : new RequestError(500, (err as Error).message, 'server_error');
      sendJson(res, e.status, errorBody(e.status, e.message, e.type));
      if (!res.writableEnded) res.destroy();
    }
  }

  private authenticate(req: http.IncomingMessage): void {
    if (!this.keyDigest) return;
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : String(req.headers['x-api-key'] ?? '');
    if (!given || !timingSafeEqual(digest(given), this.keyDigest)) throw new RequestError(401, 'Invalid API Key');
  }

  private props() {
    const { config, model, addon, scheduler, alias } = this.p;
    const s = model.stats;
    return {
      default_generation_settings: { n_ctx: config.contextSize, params: { n_predict: -1, temperature: LLAMA_CPP_DEFAULT_TEMPERATURE } },
      total_slots: config.slots,
      model_path: config.modelPath,
      model_alias: alias,
      chat_template: '',
      build_info: `bitnet serve ${addon.version()}`,
      // Our own: what `BitNet: Show stats` reports about the server's engine.
      bitnet: {
        addonVersion: addon.version(),
        cpu: addon.cpuFeatures(),
        loadMs: s.loadMs,
        weightBytes: s.weightBytes,
        kernels: s.kernels,
        threads: s.threads,
        lmHead: s.lmHead,
        slots: scheduler.info(),
      },
    };
  }

  private async tokenize(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = asObject(await readJson(req));
    if (typeof body.content !== 'string') throw new RequestError(400, '"content" must be a string');
    const { tokenizer } = this.p;
    const special = booleanField(body, 'parse_special', true);
    const ids = special ? (this.controlTokens ??= new ControlTokens(tokenizer)).encode(tokenizer, body.content) : tokenizer.encode(body.content);
    if (booleanField(body, 'add_special', false)) ids.unshift(tokenizer.bosId);
    const tokens = booleanField(body, 'with_pieces', false) ? ids.map((id) => ({ id, piece: tokenizer.tokenPiece(id) })) : ids;
    sendJson(res, 200, { tokens });
  }

  private async detokenize(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = asObject(await readJson(req));
    const { tokenizer } = this.p;
    const ids = body.tokens;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0 && id < tokenizer.vocabSize)) {
      throw new RequestError(400, `"tokens" must be an array of token ids from 0 to ${tokenizer.vocabSize - 1}`);
    }
    sendJson(res, 200, { content: tokenizer.decode(ids as number[]) });
  }

  private async completion(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { request, stream } = parseCompletion(await readJson(req), this.p.tokenizer);
    this.run(request, res, stream, (sse) =>
      sse ? streamingCompletionSink(sse, this.p.alias) : wholeCompletionSink((status, body) => sendJson(res, status, body), this.p.alias),
    );
  }

  private async openAi(req: http.IncomingMessage, res: http.ServerResponse, kind: OpenAiKind): Promise<void> {
    const body = await readJson(req);
    const parsed = kind === 'chat' ? parseOpenAiChat(body, this.p.tokenizer) : parseOpenAiCompletion(body, this.p.tokenizer);
    this.run(parsed.request, res, parsed.stream, (sse) =>
      sse
        ? streamingOpenAiSink(sse, kind, this.p.alias, parsed.includeUsage)
        : wholeOpenAiSink((status, b) => sendJson(res, status, b), kind, this.p.alias),
    );
  }

  /** Queues a generation; a client that goes away cancels it. */
  private run(request: GenerationRequest, res: http.ServerResponse, stream: boolean, makeSink: (sse: SseResponse | undefined) => GenerationSink): void {
    const sse = stream ? new SseResponse(res) : undefined;
    sse?.open();
    const job = new SlotJob(request, makeSink(sse), this.p.tokenizer);
    res.on('close', () => {
      if (res.writableFinished) return;
      job.cancel();
      this.p.scheduler.poke();
    });
    this.p.scheduler.submit(job);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'the request body is not valid JSON');
  }
}
