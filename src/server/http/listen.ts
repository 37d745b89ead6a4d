/**
 * Binding the one HTTP server, and the addresses a person can open once it is bound. A process
 * that cannot bind must not go on to join the scheduler (it would run jobs with its own
 * settings behind another process's port), so `listen` rejects with a one-line reason.
 */
import type { Server } from 'node:http';
import { networkInterfaces } from 'node:os';

export class ListenError extends Error {
  override name = 'ListenError';
}

function reason(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${port} is already in use on ${host} (another Stock Scheduler, or another program): stop it or set PORT to a free port`;
    case 'EACCES':
      return `Not allowed to listen on port ${port} (ports below 1024 need privileges): set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `HOST ${host} is not an address of this machine: set HOST (0.0.0.0 for every interface, 127.0.0.1 for this machine only)`;
    default:
      return `Cannot listen on ${host}:${port}: ${error.message}`;
  }
}

/** Resolves once `server` listens on host:port; rejects with a ListenError saying what to do. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(new ListenError(reason(error, host, port), { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * URLs that open the server from a browser: http://0.0.0.0:8001 does not work everywhere, so a
 * wildcard host becomes localhost plus each external IPv4 address of this machine (IPv6 too
 * for `::`).
 */
export function reachableUrls(
  host: string,
  port: number,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): string[] {
  const url = (h: string) => `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
  if (!WILDCARDS.has(host)) return [url(host)];
  const ipv6 = host !== '0.0.0.0';
  const lan = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal && (a.family === 'IPv4' || (ipv6 && !a.address.startsWith('fe80'))))
    .map((a) => url(a.address));
  return [url('localhost'), ...lan];
}
