/** POSTs JSON to one of the `/auth/*` routes; returns the status and the parsed answer. */
export async function postJson(
  path: string,
  body?: unknown,
): Promise<{ status: number; body: { message?: string } & Record<string, unknown> }> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = {};
  try {
    parsed = text ? (JSON.parse(text) as object) : {};
  } catch {
    parsed = { message: text };
  }
  return { status: res.status, body: parsed };
}

/** A path of this site to return to after signing in: never another origin (`//evil`). */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/';
}
