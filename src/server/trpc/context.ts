import type { Services } from '../services';

export interface Context {
  services: Services;
}

/** What procedures need; tests call this with their own services. */
export function createContextInner(opts: { services: Services }): Context {
  return { services: opts.services };
}

/** Per-request context: this service has no sessions, so it is the shared services. */
export function createContext(services: Services): () => Context {
  return () => createContextInner({ services });
}
