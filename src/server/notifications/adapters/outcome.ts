/** What one attempt to send came to: done, worth retrying, or refused for good. */
export type SendOutcome =
  | { ok: true; status: number | null }
  | { ok: false; retry: boolean; status: number | null; error: string };
