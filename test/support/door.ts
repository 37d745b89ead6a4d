/** HTTP helpers for the door's tests: raw requests (any Host header), sign-in, tokens. */
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

/** node:http, not fetch: fetch will not send a Host, Origin or Sec-Fetch-* of our choosing. */
export function raw(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        // A length, since node sends a DELETE's body neither chunked nor with one by itself.
        headers: {
          ...options.headers,
          ...(options.body !== undefined && {
            'content-length': String(Buffer.byteLength(options.body)),
          }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Signs in and returns the `name=value` of the session cookie (and the whole answer). */
export async function signIn(
  url: string,
  email: string,
  password: string,
): Promise<{ cookie: string; response: Response }> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    ...json({ email, password }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0] ?? '';
  return { cookie, response };
}

export async function createToken(
  url: string,
  auth: Record<string, string>,
  body: { name: string; role: string; expires_in_days?: number },
): Promise<{ token: string; token_id: string }> {
  const res = await fetch(`${url}/scheduler/tokens`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`token not created: ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; token_id: string };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
