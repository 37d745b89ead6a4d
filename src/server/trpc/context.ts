import type { IncomingMessage } from 'node:http';
import { localActor, type Actor } from '../door/actor';
import { admissionOf, type CredentialsLeft } from '../door/gate';
import type { Services } from '../services';

export interface Context {
  services: Services;
  /** Who is calling; null only when no credentials were given (procedures then refuse). */
  actor: Actor | null;
  /** The caller's address, for the audit log. */
  ip: string;
  /** How long the caller's session or token has left; null for local and test callers. */
  credentialsLeft: CredentialsLeft | null;
}

/**
 * What procedures need; tests call this with their own services. Without an `actor` the
 * caller is server code on this machine and acts as the local admin.
 */
export function createContextInner(opts: {
  services: Services;
  actor?: Actor | null;
  ip?: string;
  credentialsLeft?: CredentialsLeft | null;
}): Context {
  return {
    services: opts.services,
    actor: opts.actor === undefined ? localActor : opts.actor,
    ip: opts.ip ?? '',
    credentialsLeft: opts.credentialsLeft ?? null,
  };
}

/** Per-request context: the actor the gate admitted (none if the request skipped the gate). */
export function createContext(services: Services) {
  return ({ req }: { req: IncomingMessage }): Context => {
    const admission = admissionOf(req);
    return createContextInner({
      services,
      actor: admission?.actor ?? null,
      ip: admission?.client.ip ?? '',
      credentialsLeft: admission?.left ?? null,
    });
  };
}
