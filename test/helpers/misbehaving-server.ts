// A real HTTP server on 127.0.0.1 that answers the way a broken or hostile
// server would (a 5xx, a stream that stalls, HTML instead of events, a cut
// stream), for the error paths a healthy `bitnet serve` never takes.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface MisbehavingServer {
  url: string;
  close(): Promise<void>;
}

export async function misbehavingServer(handler: Handler): Promise<MisbehavingServer> {
  const server = http.createServer((req, res) => {
    // /props as a llama.cpp server answers it, so the client speaks that protocol.
    if (req.url === '/props') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ total_slots: 1, default_generation_settings: { n_ctx: 512 } }));
      return;
    }
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sseHead(res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  res.flushHeaders();
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
