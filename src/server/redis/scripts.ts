/**
 * The typed door to the Lua scripts of jobs, fires and runs (the market data's are in
 * market-data-scripts.ts): each function takes an object, and this is the only place that
 * builds their KEYS and ARGV (from `keys`) and turns their return codes into values or typed
 * errors.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { JobStatus, Run } from '~/domain/job-definition';
import type { RunEvent } from '~/domain/change-events';
import { JobExistsError, JobNotFoundError } from '../errors';
import { EVENTS_MAXLEN, keys, NOTIFY_EVENTS_MAXLEN } from '../keys';
import { defineScripts, invoke, type Command } from './script-commands';

/** How long a finished run remembers that its triggers were recorded (a retry owes none). */
const AFTER_DONE_TTL_MS = 7 * 24 * 3600 * 1000;

const msOrEmpty = (d: Date | null | undefined) => (d ? String(d.getTime()) : '');

/**
 * What the job scripts answer when they refuse an after-schedule: an upstream job that does not
 * exist (`unknown`), or a cycle (`cycle`, ids from the job being written to the upstream job
 * that would close it); or a delete refused because jobs wait for this one (`waited`).
 */
export interface GraphRefusal {
  reason: 'unknown' | 'cycle' | 'waited';
  ids: string[];
}

export class GraphRefusedError extends Error {
  override name = 'GraphRefusedError';
  constructor(readonly refusal: GraphRefusal) {
    super(`${refusal.reason}: ${refusal.ids.join(', ')}`);
  }
}

/** A script's string answer `'<reason> <id>,<id>'` as a refusal, or null for any other answer. */
function refusalOf(answer: unknown): GraphRefusal | null {
  if (typeof answer !== 'string') return null;
  const [reason, list = ''] = answer.split(' ');
  if (reason !== 'unknown' && reason !== 'cycle' && reason !== 'waited') return null;
  return { reason, ids: list.split(',').filter(Boolean) };
}

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
  /** The run's fire (ms) and the time it stands for: reported missed if it does not begin. */
  awaiting: { fireMs: number; dueMs: number } | null;
  /** A run.missed event (JSON) for a fire already late or given up, queued with the claim. */
  missedEvent: string | null;
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
      [
        keys.due,
        keys.pendingFires,
        keys.job(claim.jobId),
        keys.events,
        keys.jobsVersion,
        keys.awaitingStart,
        keys.notifyEvents,
      ],
      [
        claim.jobId,
        String(claim.fireMs),
        msOrEmpty(claim.next),
        claim.pending ? keys.pendingFire(claim.jobId, claim.pending.fireMs) : '',
        claim.pending?.json ?? '',
        claim.updateNextRun ? JSON.stringify(claim.next ? claim.next.toISOString() : null) : '',
        EVENTS_MAXLEN,
        claim.awaiting ? keys.pendingFire(claim.jobId, claim.awaiting.fireMs) : '',
        claim.awaiting ? String(claim.awaiting.dueMs) : '',
        claim.missedEvent ?? '',
        NOTIFY_EVENTS_MAXLEN,
      ],
    );
    return this;
  }

  /** Queues the removal of a due entry still at `fireMs`. */
  dropFire(entry: { jobId: string; fireMs: number }): this {
    invoke(this.pipeline, 'fireDrop', [keys.due], [entry.jobId, String(entry.fireMs)]);
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
    defineScripts(redis);
  }

  batch(): ScriptBatch {
    return new ScriptBatch(this.redis);
  }

  private call<T>(name: Command, keyList: string[], argv: string[]): Promise<T> {
    return invoke(this.redis, name, keyList, argv) as Promise<T>;
  }

  /**
   * Stores a new job with its index entry, due entry, event and its place in the dependents of
   * its upstream jobs. Throws GraphRefusedError for an upstream job that does not exist.
   */
  async createJob(job: {
    jobId: string;
    json: string;
    firstFire: Date | null;
    event: string;
    upstreams: readonly string[];
  }): Promise<void> {
    const created = await this.call<number | string>(
      'jobCreate',
      [keys.job(job.jobId), keys.jobIndex, keys.due, keys.events, keys.jobsVersion],
      [
        job.jobId,
        job.json,
        msOrEmpty(job.firstFire),
        job.event,
        keys.wakeChannel,
        EVENTS_MAXLEN,
        job.upstreams.join(','),
        keys.dependents(''),
        keys.job(''),
      ],
    );
    const refusal = refusalOf(created);
    if (refusal) throw new GraphRefusedError(refusal);
    if (created !== 1) throw new JobExistsError(job.jobId);
  }

  /**
   * Replaces the job's JSON if it is still `expected`. False when it changed meanwhile (read
   * again and retry); throws JobNotFoundError when the job is gone, GraphRefusedError when its
   * new upstream jobs are refused. The dependents index follows a change of upstream jobs.
   */
  async replaceJob(change: {
    jobId: string;
    expected: string;
    json: string;
    due: DueChange;
    event: string | null;
    /** The upstream job ids of `expected` and of `json` (empty for a clock schedule). */
    upstreams: { before: readonly string[]; after: readonly string[] };
  }): Promise<boolean> {
    const due =
      change.due === 'keep' ? 'keep' : change.due === null ? '' : String(change.due.getTime());
    const result = await this.call<number | string>(
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
        change.upstreams.before.join(','),
        change.upstreams.after.join(','),
        keys.dependents(''),
        keys.job(''),
        keys.afterPending(change.jobId),
      ],
    );
    const refusal = refusalOf(result);
    if (refusal) throw new GraphRefusedError(refusal);
    if (result === -1) throw new JobNotFoundError(change.jobId);
    return result === 1;
  }

  /**
   * Deletes the job and all its keys; false when there was no such job. Throws
   * GraphRefusedError (`waited`, naming them) while other jobs run after it.
   */
  async deleteJob(job: { jobId: string; event: string }): Promise<boolean> {
    const result = await this.call<number | string>(
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
      [
        job.jobId,
        job.event,
        keys.run(''),
        keys.wakeChannel,
        EVENTS_MAXLEN,
        keys.dependents(''),
        keys.job(''),
        keys.afterPending(job.jobId),
      ],
    );
    const refusal = refusalOf(result);
    if (refusal) throw new GraphRefusedError(refusal);
    return result === 1;
  }

  /** Stores a run (run-save-3.lua); false when its job no longer exists (nothing is written). */
  async saveRun(run: Run, historyLimit: number): Promise<'stored' | 'no job' | 'exists'> {
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
    return saved === 1 ? 'stored' : saved === 0 ? 'no job' : 'exists';
  }

  /**
   * One step of a run (run-record-12.lua): the job's JSON afterwards, or null when it is gone. A
   * finished step whose outcome differs from the job's last one appends its alert (run.failed,
   * run.partial, run.recovered) to the notification events in the same step, and the runs it
   * owes to the jobs that run after it to the upstream triggers (includes/after-triggers.lua).
   */
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
        keys.notifyEvents,
        keys.jobLastSuccess,
        keys.upstreamTriggers,
        keys.dependents(run.job_id),
        keys.afterDone(run.run_id),
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
        run.finished_at ?? '',
        run.finished_at ? String(Date.parse(run.finished_at)) : '',
        NOTIFY_EVENTS_MAXLEN,
        keys.job(''),
        keys.afterPending(''),
        String(AFTER_DONE_TTL_MS),
      ],
    );
  }

  /**
   * Takes the job's run lock for `runId`, enters the run as `instanceId`'s and reads the job and
   * the run (run-begin-6.lua). `held`: the run is in the hands of another live instance.
   */
  async beginRun(run: {
    jobId: string;
    runId: string;
    ttlMs: number;
    /** A scheduled run's fire time: it no longer awaits its start. */
    fireMs?: number | undefined;
    instanceId: string;
    goneAfterMs: number;
  }): Promise<{ locked: boolean; held: boolean; job: string | null; run: string | null }> {
    const [locked, job, stored] = await this.call<[number, string | null, string | null]>(
      'runBegin',
      [
        keys.jobLock(run.jobId),
        keys.job(run.jobId),
        keys.run(run.runId),
        keys.awaitingStart,
        keys.runningRuns,
        keys.instanceBeats,
      ],
      [
        run.runId,
        String(run.ttlMs),
        run.fireMs === undefined ? '' : keys.pendingFire(run.jobId, run.fireMs),
        run.instanceId,
        String(run.goneAfterMs),
        run.jobId,
      ],
    );
    return { locked: locked === 1, held: locked === 2, job, run: stored };
  }

  /**
   * Reports claimed fires due by `cutoffMs` that did not begin as run.missed, each once across
   * all instances (missed-sweep-2.lua): how many were reported.
   */
  sweepMissed(sweep: { cutoffMs: number; now: Date; limit: number }): Promise<number> {
    return this.call<number>(
      'missedSweep',
      [keys.awaitingStart, keys.notifyEvents],
      [
        String(sweep.cutoffMs),
        sweep.now.toISOString(),
        NOTIFY_EVENTS_MAXLEN,
        keys.job(''),
        String(sweep.limit),
      ],
    );
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

  /**
   * An analysis run's latest values stored and its holding signals raised (analysis-save-4.lua):
   * how many events were appended, or null when the job is gone. A signal already raised for
   * its symbol's bar date (or a newer one) appends nothing.
   */
  async saveAnalysis(save: {
    jobId: string;
    json: string;
    signals: { field: string; date: string; event: string }[];
  }): Promise<number | null> {
    const raised = await this.call<number>(
      'analysisSave',
      [
        keys.job(save.jobId),
        keys.analysis(save.jobId),
        keys.analysisSignals(save.jobId),
        keys.notifyEvents,
      ],
      [save.json, NOTIFY_EVENTS_MAXLEN, ...save.signals.flatMap((s) => [s.field, s.date, s.event])],
    );
    return raised < 0 ? null : raised;
  }
}
