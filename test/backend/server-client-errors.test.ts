// Every way a server can fail ends the request with a clear error in the
// status and the log, never a hang: nothing listening, a wrong API key, a
// 5xx, a stream that stalls, answers that are not the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerClient, type ServerClientOptions } from '../../src/backend/server-client';
import { ServerError } from '../../src/backend/server-errors';
import { serveTinyModel } from '../helpers/bitnet-serve';
import { closedPort, misbehavingServer, sseHead, type Handler } from '../helpers/misbehaving-server';

function clientFor(url: string, options: Partial<ServerClientOptions> = {}) {
  const log: string[] = [];
  const client = new ServerClient({ url, protocol: 'auto', log: (line) => log.push(line), timeouts: { stallTimeoutMs: 300, firstByteTimeoutMs: 600 }, ...options });
  return { client, log };
}

async function failure(stream: AsyncIterable<string>): Promise<ServerError> {
  try {
    for await (const _ of stream) {
      // read on
    }
  } catch (err) {
    assert.ok(err instanceof ServerError, `a ServerError, got ${(err as Error).message}`);
    return err;
  }
  assert.fail('the request should have failed');
}

async function withServer(handler: Handler, fn: (url: string) => Promise<void>): Promise<void> {
  const server = await misbehavingServer(handler);
  try {
    await fn(server.url);
  } finally {
    await server.close();
  }
}

test('a server that is down fails the request at once, and the status and log say it is unreachable', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const { client, log } = clientFor(url);
  const err = await failure(client.complete({ full: 'x' }, { maxTokens: 4 }));
  assert.equal(err.code, 'SERVER_UNREACHABLE');
  assert.match(err.message, new RegExp(`${url.replace(/\./g, '\\.')} is not reachable \\(connection refused\\)`));
  assert.equal(client.status.state, 'error');
  assert.match(log.at(-1)!, /completion by server .* failed: .*not reachable/);
  await client.connect();
  assert.equal(client.status.state, 'error', 'connect reports it as well');
});

test('a wrong or missing API key gives an auth error that says how to set the key; the right key works', async () => {
  const server = await serveTinyModel({ apiKey: 'open sesame', slots: 1 });
  try {
    for (const apiKey of [undefined, 'guess']) {
      const err = await failure(clientFor(server.url, { apiKey }).client.complete({ full: 'x' }, { maxTokens: 2 }));
      assert.equal(err.code, 'SERVER_AUTH');
      assert.match(err.message, /refused the API key \(HTTP 401: Invalid API Key\)\. Set it with "BitNet: Set server API key…"/);
    }
    const { client } = clientFor(server.url, { apiKey: 'open sesame' });
    let text = '';
    for await (const chunk of client.complete({ full: 'x' }, { maxTokens: 2 })) text += chunk;
    assert.equal(client.lastStats('completion')!.generatedTokens, 2);
    assert.equal(client.status.state, 'ready');
  } finally {
    await server.close();
  }
});

test('a 5xx answer fails with the server’s own message', async () => {
  await withServer(
    (_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: 'out of KV cache', type: 'server_error' } }));
    },
    async (url) => {
      const { client } = clientFor(url);
      const err = await failure(client.complete({ full: 'x' }, { maxTokens: 4 }));
      assert.equal(err.code, 'SERVER_ERROR');
      assert.match(err.message, /failed \(HTTP 500: out of KV cache\)/);
      assert.deepEqual(client.status, { state: 'error', message: err.message });
    },
  );
});

test('a 503 says the server is not ready yet', async () => {
  await withServer(
    (_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 503, message: 'Loading model' } }));
    },
    async (url) => {
      const err = await failure(clientFor(url).client.complete({ full: 'x' }, { maxTokens: 4 }));
      assert.match(err.message, /is not ready \(HTTP 503: Loading model\)/);
    },
  );
});

test('a stream that stops sending is cancelled after the stall timeout', async () => {
  await withServer(
    (_req, res) => {
      sseHead(res);
      res.write('data: {"content":"half","stop":false}\n\n');
      // …and nothing more, with the connection left open.
    },
    async (url) => {
      const { client } = clientFor(url);
      const chunks: string[] = [];
      const started = Date.now();
      let error: unknown;
      try {
        for await (const chunk of client.complete({ full: 'x' }, { maxTokens: 4 })) chunks.push(chunk);
      } catch (err) {
        error = err;
      }
      assert.deepEqual(chunks, ['half'], 'the text that came is delivered first');
      assert.equal((error as ServerError).code, 'SERVER_STALLED');
      assert.match((error as Error).message, /sent nothing for 0.3 s; the request was cancelled/);
      assert.ok(Date.now() - started < 5000, 'no hang');
    },
  );
});

test('a server that never starts answering is cancelled after the first-byte timeout', async () => {
  await withServer(
    () => {
      // no answer at all
    },
    async (url) => {
      const err = await failure(clientFor(url).client.complete({ full: 'x' }, { maxTokens: 4 }));
      assert.equal(err.code, 'SERVER_STALLED');
    },
  );
});

const malformedAnswers: [string, Handler, RegExp][] = [
  [
    'an event that is not JSON',
    (_req, res) => {
      sseHead(res);
      res.end('data: <html>oops</html>\n\n');
    },
    /an event that is not JSON/,
  ],
  [
    'an event without content',
    (_req, res) => {
      sseHead(res);
      res.end('data: {"text":"x"}\n\n');
    },
    /an event without "content"/,
  ],
  [
    'an HTML page instead of a stream',
    (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>proxy login</html>');
    },
    /a stream was asked for but the answer is text\/html/,
  ],
  [
    'a stream cut before its last event',
    (_req, res) => {
      sseHead(res);
      res.end('data: {"content":"par","stop":false}\n\n');
    },
    /the stream ended before the reply did/,
  ],
];

for (const [what, handler, message] of malformedAnswers) {
  test(`${what} fails as a malformed answer`, async () => {
    await withServer(handler, async (url) => {
      const { client, log } = clientFor(url);
      const err = await failure(client.complete({ full: 'x' }, { maxTokens: 4 }));
      assert.equal(err.code, 'SERVER_MALFORMED');
      assert.match(err.message, message);
      assert.equal(client.status.state, 'error');
      assert.match(log.at(-1)!, /failed: .*cannot read/);
    });
  });
}

test('an error event in the middle of a stream fails with the server’s message', async () => {
  await withServer(
    (_req, res) => {
      sseHead(res);
      res.end('data: {"content":"a","stop":false}\n\ndata: {"error":{"code":500,"message":"slot crashed"}}\n\n');
    },
    async (url) => {
      const err = await failure(clientFor(url).client.complete({ full: 'x' }, { maxTokens: 4 }));
      assert.equal(err.code, 'SERVER_ERROR');
      assert.match(err.message, /failed while generating: slot crashed/);
    },
  );
});

test('after a failure the next request that succeeds sets the status back to ready', async () => {
  let broken = true;
  await withServer(
    (_req, res) => {
      if (broken) {
        res.writeHead(500);
        res.end();
        return;
      }
      sseHead(res);
      res.end('data: {"content":"ok","stop":false}\n\ndata: {"content":"","stop":true,"stop_type":"eos"}\n\n');
    },
    async (url) => {
      const { client } = clientFor(url);
      await failure(client.complete({ full: 'x' }, { maxTokens: 4 }));
      broken = false;
      let text = '';
      for await (const chunk of client.complete({ full: 'x' }, { maxTokens: 4 })) text += chunk;
      assert.equal(text, 'ok');
      assert.equal(client.status.state, 'ready');
      assert.equal(client.lastStats('completion')!.stopReason, 'eos');
    },
  );
});
