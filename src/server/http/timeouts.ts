import type { ServerOptions } from 'node:http';
import type { Config } from '../../config';

/**
 * The bounds on what a slow or idle client may hold, for `createServer`:
 * - `headersTimeout`: the request line and headers must arrive within HTTP_HEADERS_TIMEOUT_MS
 *   (a client sending a header byte now and then is cut off, not kept for Node's 60 s);
 * - `requestTimeout`: the whole request, headers and body, within HTTP_REQUEST_TIMEOUT_MS (a
 *   1 MiB body trickled in is cut off with a 408). It does not bound the answer, so an SSE
 *   subscription (a GET with no body) stays open as long as it likes;
 * - `keepAliveTimeout`: an idle keep-alive socket is closed after HTTP_KEEPALIVE_TIMEOUT_MS, so
 *   idle clients hold no sockets and a shutdown is not held up by them.
 * Node enforces the first two on a timer, every `connectionsCheckingInterval` (30 s by
 * default): one second here, so a limit holds within a second of its value.
 */
export function httpServerOptions(config: Config): ServerOptions {
  return {
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    // Node requires headersTimeout <= requestTimeout.
    headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
    keepAliveTimeout: config.HTTP_KEEPALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: 1000,
  };
}
