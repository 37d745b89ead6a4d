/** Errors the server's parts raise for a caller to act on (a tRPC procedure maps them to codes). */

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} not found`);
  }
}

/** A job id already taken: job ids are random UUIDs, so this means a bug, not bad luck. */
export class JobExistsError extends Error {
  override name = 'JobExistsError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} already exists`);
  }
}

/** A change that breaks a rule between fields and the stored job (a 400 naming the field). */
export class JobInputError extends Error {
  override name = 'JobInputError';
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(`${path}: ${rule}`);
  }
}
