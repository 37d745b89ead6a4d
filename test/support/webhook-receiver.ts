/**
 * A real HTTP server receiving webhooks on 127.0.0.1. Each request is recorded with its raw
 * body and headers, then answered by the next scripted behaviour (a status, a hang that never
 * answers, or a reset of the connection); when the script is used up it answers `fallback`.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = number | 'hang' | 'reset';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Behaviours for the next requests, in order. */
  script(...next: Behaviour[]): void;
  fallback: Behaviour;
  /** Resolves once `n` requests arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(fallback: Behaviour = 200): Promise<WebhookReceiver> {
  const queue: Behaviour[] = [];
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const hung = new Set<ServerResponse>();
  const receiver = { fallback } as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      for (const w of waiters) w();
      const behaviour = queue.shift() ?? receiver.fallback;
      if (behaviour === 'hang') {
        hung.add(res);
        return;
      }
      if (behaviour === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(behaviour, { 'content-type': 'text/plain' });
      res.end(behaviour >= 400 ? `receiver says ${behaviour}` : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    script: (...next: Behaviour[]) => void queue.push(...next),
    waitForRequests: (n: number, timeoutMs = 30_000) =>
      new Promise<ReceivedRequest[]>((resolve, reject) => {
        const check = () => {
          if (requests.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(requests);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${requests.length} of ${n} webhook requests in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      for (const res of hung) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}
