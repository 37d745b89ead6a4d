/** Errors the server's parts raise for a caller to act on (a tRPC procedure maps them to codes). */

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} not found`);
  }
}

/** A job that other jobs' after-schedules name: deleting it would leave them waiting forever. */
export class JobWaitedForError extends Error {
  override name = 'JobWaitedForError';
  constructor(
    readonly jobId: string,
    readonly dependents: { job_id: string; name: string }[],
  ) {
    super(
      `Job ${jobId} cannot be deleted: ${dependents.map((d) => `"${d.name}" (${d.job_id})`).join(', ')} ${dependents.length === 1 ? 'runs' : 'run'} after it; change or delete ${dependents.length === 1 ? 'that job' : 'those jobs'} first`,
    );
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
