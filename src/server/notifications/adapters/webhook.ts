import { createHmac } from 'node:crypto';
import type { Notification } from '../messages';
import type { SendOutcome } from './outcome';

/** The body the contract defines for `format: "json"`, or Slack's `{ text }`. */
export function webhookBody(n: Notification, format: 'json' | 'slack'): string {
  if (format === 'slack') return JSON.stringify({ text: n.text });
  return JSON.stringify({
    event: n.event,
    event_id: n.event_id,
    occurred_at: n.occurred_at,
    text: n.text,
    job: n.job,
    run: n.run,
    symbols: n.symbols,
    ...(n.signal && { signal: n.signal }),
  });
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the channel's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Why a request failed below HTTP: the system's code (ECONNRESET, ...) when there is one. */
function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code;
  return code
    ? `${code}${e.cause?.message ? ` (${e.cause.message})` : ''}`
    : (e.message ?? String(error));
}

/**
 * POSTs the notification. 2xx is done; 408, 429 and 5xx are retried, as are timeouts and
 * resets; any other status (4xx, a redirect) is refused for good, with the receiver's words.
 */
export async function sendWebhook(
  channel: { url: string; format: 'json' | 'slack'; secret: string | null },
  n: Notification,
  options: { timeoutMs: number },
): Promise<SendOutcome> {
  const body = webhookBody(n, channel.format);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'stock-scheduler-notify',
    'x-stock-scheduler-event': n.event,
    'x-stock-scheduler-delivery': n.event_id,
  };
  if (channel.secret) headers['x-stock-scheduler-signature'] = signature(channel.secret, body);
  let res: Response;
  let text: string;
  try {
    res = await fetch(channel.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await res.text();
  } catch (error) {
    return { ok: false, retry: true, status: null, error: networkReason(error, options.timeoutMs) };
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  const said = text.trim().slice(0, 300);
  const error = `HTTP ${res.status}${said ? `: ${said}` : ''}`;
  const retry = res.status === 408 || res.status === 429 || res.status >= 500;
  return { ok: false, retry, status: res.status, error };
}
