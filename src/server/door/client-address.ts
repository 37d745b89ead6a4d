import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Where a request comes from and how it reached us, with TRUST_PROXY applied. */
export interface ClientInfo {
  /** The client's address: the socket's peer, or with TRUST_PROXY the proxy's last hop. */
  ip: string;
  /** True only for a direct connection from this machine that no proxy forwarded. */
  loopback: boolean;
  https: boolean;
  /** The Host the client asked for (`example.com:8001`), or '' when none was sent. */
  host: string;
}

/**
 * 127.0.0.0/8, ::1 and their IPv4-mapped form. Takes the socket's `remoteAddress`, which the
 * kernel fills in: a client cannot choose it the way it chooses a header.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** The last value of a comma-separated header that a proxy appends to. */
function lastHop(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(',') : value;
  const last = text?.split(',').at(-1)?.trim();
  return last || undefined;
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host'];

export function clientOf(req: IncomingMessage, trustProxy: boolean): ClientInfo {
  const peer = req.socket.remoteAddress ?? '';
  const encrypted = Boolean((req.socket as TLSSocket).encrypted);
  // A reverse proxy on this machine without TRUST_PROXY would make every visitor look like
  // loopback; a request carrying forwarding headers is therefore never taken as local.
  const forwarded = FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
  const host = String(req.headers.host ?? '');
  if (!trustProxy) {
    return { ip: peer, loopback: isLoopbackAddress(peer) && !forwarded, https: encrypted, host };
  }
  return {
    ip: lastHop(req.headers['x-forwarded-for']) ?? peer,
    loopback: isLoopbackAddress(peer) && !forwarded,
    https:
      (lastHop(req.headers['x-forwarded-proto']) ?? (encrypted ? 'https' : 'http')) === 'https',
    host: lastHop(req.headers['x-forwarded-host']) ?? host,
  };
}
