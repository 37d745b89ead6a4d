/**
 * The one door to the Lua scripts of `scripts/`: each is defined on a connection with ioredis
 * `defineCommand` (EVALSHA, reloaded by ioredis when Redis forgot it), and called through a
 * typed function taking an object. This is the only place that builds their KEYS and ARGV
 * (from `keys`) and that turns their return codes into values or typed errors.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { JobStatus, Run } from '~/domain/job-definition';
import type { RunEvent } from '~/domain/change-events';
import { JobExistsError, JobNotFoundError } from '../errors';
import { EVENTS_MAXLEN, keys } from '../keys';
import { loadScript, type LoadedScript } from './script-loader';

const FILES = {
  jobCreate: 'job-create-5.lua',
  jobCas: 'job-cas-4.lua',
  jobDelete: 'job-delete-7.lua',
  fireClaim: 'fire-claim-5.lua',
  fireDrop: 'fire-drop-1.lua',
  runSave: 'run-save-3.lua',
  runRecord: 'run-record-7.lua',
  runBegin: 'run-begin-3.lua',
  runLockRenew: 'run-lock-renew-1.lua',
  runLockRelease: 'run-lock-release-1.lua',
  fetchLockAcquire: 'fetch-lock-acquire-1.lua',
  fetchLockRenew: 'fetch-lock-renew-1.lua',
  fetchLockRelease: 'fetch-lock-release-1.lua',
  fetchLockFinish: 'fetch-lock-finish-2.lua',
  providerPace: 'provider-pace-1.lua',
} as const;

type Command = keyof typeof FILES;

/** Read once per process; a missing include fails here, at start, naming the file. */
const SCRIPTS = Object.fromEntries(
  Object.entries(FILES).map(([name, file]) => [name, loadScript(file)]),
) as Record<Command, LoadedScript>;

/** Every script's command name and file, for the tests. */
export const SCRIPT_FILES: Readonly<Record<Command, string>> = FILES;

type Target = Redis | ChainableCommander;

/** Calls `name` on a connection or a pipeline; KEYS must be as many as the file's name says. */
function invoke(target: Target, name: Command, keyList: string[], argv: string[]): unknown {
  const script = SCRIPTS[name];
  if (keyList.length !== script.numberOfKeys) {
    throw new Error(`${script.file} takes ${script.numberOfKeys} keys, got ${keyList.length}`);
  }
  const command = (target as unknown as Record<string, (...args: string[]) => unknown>)[name];
  if (typeof command !== 'function') throw new Error(`${script.file} is not defined here`);
  return command.call(target, ...keyList, ...argv);
}

const defined = new WeakSet<Redis>();

function defineAll(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  defined.add(redis);
}

const msOrEmpty = (d: Date | null | undefined) => (d ? String(d.getTime()) : '');

/** Where a job's due entry goes: left as it is, out of the set, or at a fire time. */
export type DueChange = 'keep' | null | Date;

export interface FireClaim {
  jobId: string;
  /** The fire time read from the due set. */
  fireMs: number;
  /** The job's following fire time; null takes it out of the due set. */
  next: Date | null;
  /** The pending fire recorded for the hand-over to the queue; null for a fire given up. */
  pending: { fireMs: number; json: string } | null;
  /** Write `next` as the job's next_run now (a fire already past); else next_run stays. */
  updateNextRun: boolean;
}

export interface RunRecordStep {
  run: Run;
  historyLimit: number;
  action: RunEvent['action'];
  /** The job's new status; omitted, the job's status is left as it is. */
  jobStatus?: JobStatus | undefined;
  /** With jobStatus: last_run takes this value and last_run_status the status. */
  lastRun?: string | undefined;
  /** Drop the job's run lock if this run still holds it. */
  releaseLock?: boolean | undefined;
  /** The job's fire after this run's: next_run moves to it if the due set holds it. */
  nextRun?: Date | null | undefined;
}

export interface FetchKey {
  symbol: string;
  start: string;
  end: string;
}

/** Several scripts sent in one round trip (MULTI-less pipeline); results in call order. */
export class ScriptBatch {
  private readonly pipeline: ChainableCommander;

  constructor(redis: Redis) {
    this.pipeline = redis.pipeline();
  }

  /** Queues a claim; its result is true when this caller won the fire. */
  claimFire(claim: FireClaim): this {
    invoke(
      this.pipeline,
      'fireClaim',
      [keys.due, keys.pendingFires, keys.job(claim.jobId), keys.events, keys.jobsVersion],
      [
        claim.jobId,
        String(claim.fireMs),
        msOrEmpty(claim.next),
        claim.pending ? keys.pendingFire(claim.jobId, claim.pending.fireMs) : '',
        claim.pending?.json ?? '',
        claim.updateNextRun ? JSON.stringify(claim.next ? claim.next.toISOString() : null) : '',
        EVENTS_MAXLEN,
      ],
    );
    return this;
  }

  /** Queues the removal of a due entry still at `fireMs`. */
  dropFire(entry: { jobId: string; fireMs: number }): this {
    invoke(this.pipeline, 'fireDrop', [keys.due], [entry.jobId, String(entry.fireMs)]);
    return this;
  }

  renewFetchLock(lock: FetchKey & { token: string; ttlMs: number }): this {
    invoke(
      this.pipeline,
      'fetchLockRenew',
      [keys.fetchLock(lock.symbol, lock.start, lock.end)],
      [lock.token, String(lock.ttlMs)],
    );
    return this;
  }

  /** Each script's answer (1 = done for the claims and renewals), or its error. */
  async exec(): Promise<{ error: Error | null; won: boolean }[]> {
    const results = (await this.pipeline.exec()) ?? [];
    return results.map(([error, value]) => ({ error, won: value === 1 }));
  }
}

export class RedisScripts {
  constructor(private readonly redis: Redis) {
    defineAll(redis);
  }

  batch(): ScriptBatch {
    return new ScriptBatch(this.redis);
  }

  private call<T>(name: Command, keyList: string[], argv: string[]): Promise<T> {
    return invoke(this.redis, name, keyList, argv) as Promise<T>;
  }

  /** Stores a new job with its index entry, due entry and event. */
  async createJob(job: {
    jobId: string;
    json: string;
    firstFire: Date | null;
    event: string;
  }): Promise<void> {
    const created = await this.call<number>(
      'jobCreate',
      [keys.job(job.jobId), keys.jobIndex, keys.due, keys.events, keys.jobsVersion],
      [job.jobId, job.json, msOrEmpty(job.firstFire), job.event, keys.wakeChannel, EVENTS_MAXLEN],
    );
    if (created !== 1) throw new JobExistsError(job.jobId);
  }

  /**
   * Replaces the job's JSON if it is still `expected`. False when it changed meanwhile (read
   * again and retry); throws JobNotFoundError when the job is gone.
   */
  async replaceJob(change: {
    jobId: string;
    expected: string;
    json: string;
    due: DueChange;
    event: string | null;
  }): Promise<boolean> {
    const due =
      change.due === 'keep' ? 'keep' : change.due === null ? '' : String(change.due.getTime());
    const result = await this.call<number>(
      'jobCas',
      [keys.job(change.jobId), keys.due, keys.events, keys.jobsVersion],
      [
        change.jobId,
        change.expected,
        change.json,
        due,
        change.event ?? '',
        keys.wakeChannel,
        EVENTS_MAXLEN,
      ],
    );
    if (result === -1) throw new JobNotFoundError(change.jobId);
    return result === 1;
  }

  /** Deletes the job and all its keys; false when there was no such job. */
  async deleteJob(job: { jobId: string; event: string }): Promise<boolean> {
    const result = await this.call<number>(
      'jobDelete',
      [
        keys.job(job.jobId),
        keys.jobIndex,
        keys.due,
        keys.events,
        keys.jobRuns(job.jobId),
        keys.jobLock(job.jobId),
        keys.jobsVersion,
      ],
      [job.jobId, job.event, keys.run(''), keys.wakeChannel, EVENTS_MAXLEN],
    );
    return result === 1;
  }

  /** Stores a run, history capped; throws JobNotFoundError when its job is gone. */
  async saveRun(run: Run, historyLimit: number): Promise<void> {
    const saved = await this.call<number>(
      'runSave',
      [keys.run(run.run_id), keys.jobRuns(run.job_id), keys.job(run.job_id)],
      [
        JSON.stringify(run),
        String(Date.parse(run.started_at)),
        run.run_id,
        String(historyLimit),
        keys.run(''),
      ],
    );
    if (saved !== 1) throw new JobNotFoundError(run.job_id);
  }

  /** One step of a run (run-record-7.lua): the job's JSON afterwards, or null when it is gone. */
  recordRun(step: RunRecordStep): Promise<string | null> {
    const { run } = step;
    return this.call<string | null>(
      'runRecord',
      [
        keys.run(run.run_id),
        keys.jobRuns(run.job_id),
        keys.job(run.job_id),
        keys.events,
        keys.jobsVersion,
        keys.jobLock(run.job_id),
        keys.due,
      ],
      [
        JSON.stringify(run),
        String(Date.parse(run.started_at)),
        run.run_id,
        String(step.historyLimit),
        keys.run(''),
        step.action,
        run.job_id,
        step.jobStatus ?? '',
        step.jobStatus ? (step.lastRun ?? '') : '',
        step.releaseLock ? '1' : '',
        EVENTS_MAXLEN,
        msOrEmpty(step.nextRun),
        step.nextRun ? JSON.stringify(step.nextRun.toISOString()) : '',
      ],
    );
  }

  /** Takes the job's run lock for `runId` and reads the job and the run (run-begin-3.lua). */
  async beginRun(run: {
    jobId: string;
    runId: string;
    ttlMs: number;
  }): Promise<{ locked: boolean; job: string | null; run: string | null }> {
    const [locked, job, stored] = await this.call<[number, string | null, string | null]>(
      'runBegin',
      [keys.jobLock(run.jobId), keys.job(run.jobId), keys.run(run.runId)],
      [run.runId, String(run.ttlMs)],
    );
    return { locked: locked === 1, job, run: stored };
  }

  /** True while `runId` still holds the job's run lock (extended by `ttlMs`). */
  async renewRunLock(lock: { jobId: string; runId: string; ttlMs: number }): Promise<boolean> {
    const held = await this.call<number>(
      'runLockRenew',
      [keys.jobLock(lock.jobId)],
      [lock.runId, String(lock.ttlMs)],
    );
    return held === 1;
  }

  async releaseRunLock(lock: { jobId: string; runId: string }): Promise<boolean> {
    return (
      (await this.call<number>('runLockRelease', [keys.jobLock(lock.jobId)], [lock.runId])) === 1
    );
  }

  /** Takes the fetch lock, or names the token of the process holding it. */
  async acquireFetchLock(
    lock: FetchKey & { token: string; ttlMs: number },
  ): Promise<{ taken: boolean; holder: string }> {
    const [taken, holder] = await this.call<[number, string]>(
      'fetchLockAcquire',
      [keys.fetchLock(lock.symbol, lock.start, lock.end)],
      [lock.token, String(lock.ttlMs)],
    );
    return { taken: taken === 1, holder };
  }

  async releaseFetchLock(lock: FetchKey & { token: string }): Promise<void> {
    await this.call(
      'fetchLockRelease',
      [keys.fetchLock(lock.symbol, lock.start, lock.end)],
      [lock.token],
    );
  }

  /** Publishes the fetch's outcome for its waiters and frees the lock, in one step. */
  async finishFetch(
    lock: FetchKey & { token: string; outcomeJson: string; ttlMs: number },
  ): Promise<void> {
    await this.call(
      'fetchLockFinish',
      [
        keys.fetchLock(lock.symbol, lock.start, lock.end),
        keys.fetchResult(lock.symbol, lock.start, lock.end),
      ],
      [lock.token, lock.outcomeJson, String(lock.ttlMs)],
    );
  }

  /** Books the provider's next request slot; resolves to the wait before sending, ms. */
  takeProviderSlot(pace: { provider: string; intervalMs: number }): Promise<number> {
    return this.call<number>(
      'providerPace',
      [keys.providerPace(pace.provider)],
      [String(pace.intervalMs), 'take', '0'],
    );
  }

  /** Moves every process's next slot of the provider at least `pauseMs` into the future. */
  async pauseProvider(pace: {
    provider: string;
    intervalMs: number;
    pauseMs: number;
  }): Promise<void> {
    await this.call(
      'providerPace',
      [keys.providerPace(pace.provider)],
      [String(pace.intervalMs), 'pause', String(pace.pauseMs)],
    );
  }
}
