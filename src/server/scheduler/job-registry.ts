import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { JobInputError, JobNotFoundError, JobWaitedForError } from '../errors';
import { keys } from '../keys';
import { deleteAnalysis } from '../analysis/analysis-store';
import { GraphRefusedError, RedisScripts, type DueChange } from '../redis/scripts';
import { taskAnalysisError } from '~/domain/analysis';
import type { JobEvent } from '~/domain/change-events';
import {
  normaliseSchedule,
  scheduleTimezone,
  type AfterSchedule,
  type Job,
  type JobCreate,
  type JobUpdate,
} from '~/domain/job-definition';
import { nextFireTime } from '~/domain/schedule';

export { JobInputError, JobNotFoundError } from '../errors';

/** A job that runs after another, as `jobs.dependents` lists it. */
export interface Dependent {
  job_id: string;
  name: string;
  when: AfterSchedule['when'];
  wait: AfterSchedule['wait'];
}

/** The upstream job ids of a schedule: an after-schedule's jobs, none for a clock. */
export function upstreamsOf(schedule: Job['schedule']): string[] {
  return schedule.kind === 'after' ? schedule.jobs : [];
}

export interface ListOptions {
  limit?: number | undefined;
  offset?: number | undefined;
  /** Case-insensitive match on the name, or on any symbol. */
  q?: string | undefined;
  active?: boolean | undefined;
}

const MGET_CHUNK = 1000;

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Job CRUD in Redis, under the keys of CONTRACT.md section 6. Every write keeps the job key,
 * `scheduler:job_index`, the due set and the event stream in step inside one Lua script.
 */
export class JobRegistry {
  private readonly redis: Redis;
  private readonly scripts: RedisScripts;
  private readonly defaultTimezone: string;
  private readonly now: () => Date;

  constructor(opts: { redis: Redis; defaultTimezone: string; now?: () => Date }) {
    this.redis = opts.redis;
    this.scripts = new RedisScripts(opts.redis);
    this.defaultTimezone = opts.defaultTimezone;
    this.now = opts.now ?? (() => new Date());
  }

  async create(input: JobCreate): Promise<Job> {
    const form = normaliseSchedule(input);
    if (!form) throw new Error('a schedule is required');
    const now = this.now();
    const timezone = scheduleTimezone(form.schedule) ?? input.timezone ?? this.defaultTimezone;
    const isActive = input.is_active ?? true;
    const next = isActive ? nextFireTime(form.schedule, timezone, now) : null;
    const job: Job = {
      job_id: randomUUID(),
      name: input.name,
      stock_ids: input.stock_ids,
      schedule_time: form.schedule_time,
      schedule: form.schedule,
      timezone,
      lookback_days: input.lookback_days ?? 30,
      is_active: isActive,
      status: 'pending',
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      last_run: null,
      next_run: isoOrNull(next),
      last_run_status: null,
      task: input.task ?? 'fetch',
      analysis: input.analysis ?? null,
    };
    await this.refusals(job, () =>
      this.scripts.createJob({
        jobId: job.job_id,
        json: JSON.stringify(job),
        firstFire: next,
        event: eventJson('created', job.job_id, job),
        upstreams: upstreamsOf(job.schedule),
      }),
    );
    return job;
  }

  /**
   * Runs a job write, turning the script's refusal of its after-schedule into a
   * JobInputError on schedule.jobs that names the jobs (the one being written by its new name).
   */
  private async refusals<T>(job: Job, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof GraphRefusedError)) throw error;
      const { reason, ids } = error.refusal;
      const names = await this.names(ids.filter((id) => id !== job.job_id));
      names.set(job.job_id, job.name);
      const label = (id: string) => `${names.get(id) ?? 'a deleted job'} (${id})`;
      throw new JobInputError(
        'schedule.jobs',
        reason === 'cycle'
          ? `would make a cycle: ${[...ids, ids[0]!].map(label).join(' -> ')}`
          : `there is no job ${ids[0]}: run after an existing job`,
      );
    }
  }

  /** The names of these jobs, by id (a deleted one is left out). */
  async names(ids: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const raws = await this.rawJobs([...ids]);
    for (const raw of raws) {
      const job = JSON.parse(raw.toString('utf8')) as Job;
      names.set(job.job_id, job.name);
    }
    return names;
  }

  /** The jobs whose after-schedule names this one (the dependents index), oldest first. */
  async dependents(jobId: string): Promise<Dependent[]> {
    const ids = await this.redis.smembers(keys.dependents(jobId));
    const raws = await this.rawJobs(ids);
    return raws
      .map((raw) => JSON.parse(raw.toString('utf8')) as Job)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.job_id.localeCompare(b.job_id))
      .flatMap((job) =>
        job.schedule.kind === 'after'
          ? [
              {
                job_id: job.job_id,
                name: job.name,
                when: job.schedule.when,
                wait: job.schedule.wait,
              },
            ]
          : [],
      );
  }

  /** The stored JSON of a job, as `mutate` compares it. */
  getRaw(jobId: string): Promise<string | null> {
    return this.redis.get(keys.job(jobId));
  }

  async get(jobId: string): Promise<Job | null> {
    const raw = await this.redis.get(keys.job(jobId));
    return raw ? (JSON.parse(raw) as Job) : null;
  }

  async getOrThrow(jobId: string): Promise<Job> {
    const job = await this.get(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    return job;
  }

  /** Every job id, oldest first (the index). */
  async ids(): Promise<string[]> {
    const index = await this.redis.get(keys.jobIndex);
    return index ? (JSON.parse(index) as string[]) : [];
  }

  /** The counter every job write bumps in the same script: equal values, equal jobs. */
  async version(): Promise<string> {
    return (await this.redis.get(keys.jobsVersion)) ?? '0';
  }

  /**
   * The stored JSON of these jobs, in order, as Buffers (a job deleted meanwhile is left out):
   * one round trip, a pipeline of MGETs, and no parsing, so a REST listing can send the bytes
   * as they are.
   */
  async rawJobs(ids: string[]): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < ids.length; i += MGET_CHUNK) {
      pipeline.mgetBuffer(ids.slice(i, i + MGET_CHUNK).map((id) => keys.job(id)));
    }
    const results = (await pipeline.exec()) ?? [];
    const jobs: Buffer[] = [];
    for (const [error, values] of results) {
      if (error) throw error;
      for (const value of values as (Buffer | null)[]) if (value) jobs.push(value);
    }
    return jobs;
  }

  /**
   * Every job, oldest first, a chunk at a time, so that a scan of 100,000 jobs holds one chunk
   * in memory rather than all of them.
   */
  async *scan(chunk = MGET_CHUNK): AsyncGenerator<Job[]> {
    const ids = await this.ids();
    for (let i = 0; i < ids.length; i += chunk) {
      const raws = await this.rawJobs(ids.slice(i, i + chunk));
      yield raws.map((raw) => JSON.parse(raw.toString('utf8')) as Job);
    }
  }

  /** Every job, oldest first. */
  async all(): Promise<Job[]> {
    const jobs: Job[] = [];
    for await (const chunk of this.scan()) jobs.push(...chunk);
    return jobs;
  }

  /**
   * One page of the jobs matching `options`, oldest first, and how many match. Without a
   * filter only the page is read; with one, the jobs are scanned a chunk at a time and only the
   * page is kept.
   */
  async list(options: ListOptions = {}): Promise<{ jobs: Job[]; total: number }> {
    const offset = options.offset ?? 0;
    const end = options.limit === undefined ? Infinity : offset + options.limit;
    if (options.active === undefined && !options.q?.trim()) {
      const ids = await this.ids();
      const page = ids.slice(offset, end);
      const raws = await this.rawJobs(page);
      // A job deleted between the two reads is left out and not counted.
      const jobs = raws.map((raw) => JSON.parse(raw.toString('utf8')) as Job);
      return { jobs, total: ids.length - (page.length - jobs.length) };
    }
    const matches = jobMatcher(options);
    const jobs: Job[] = [];
    let total = 0;
    for await (const chunk of this.scan()) {
      for (const job of chunk) {
        if (!matches(job)) continue;
        if (total >= offset && total < end) jobs.push(job);
        total++;
      }
    }
    return { jobs, total };
  }

  /** Applies a user's change. `next_run` is recomputed when the schedule, zone or state moves. */
  async update(jobId: string, patch: JobUpdate): Promise<Job> {
    const form = normaliseSchedule(patch);
    return this.mutate(jobId, (job) => {
      const updated: Job = {
        ...job,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.stock_ids !== undefined && { stock_ids: patch.stock_ids }),
        ...(form ?? {}),
        ...(patch.timezone !== undefined && { timezone: patch.timezone }),
        ...(patch.lookback_days !== undefined && { lookback_days: patch.lookback_days }),
        ...(patch.is_active !== undefined && { is_active: patch.is_active }),
        ...taskPatch(job, patch),
      };
      // A trading-days schedule runs in its exchange's zone, and its runs' dates are taken there.
      updated.timezone = scheduleTimezone(updated.schedule) ?? updated.timezone;
      const timing = form !== null || patch.timezone !== undefined || patch.is_active !== undefined;
      return { job: updated, reschedule: timing };
    });
  }

  start(jobId: string): Promise<Job> {
    return this.mutate(jobId, (job) => ({
      job: { ...job, is_active: true },
      reschedule: !job.is_active || job.next_run === null,
    }));
  }

  stop(jobId: string): Promise<Job> {
    return this.mutate(jobId, (job) => ({ job: { ...job, is_active: false }, reschedule: true }));
  }

  /**
   * Read-modify-write of one job with compare-and-set, retried on conflict. `reschedule`
   * recomputes `next_run` from now and moves the due set; otherwise both are left as they are,
   * so a rename never skips a fire that is due this very moment. Returning `null` from `fn`
   * leaves the job untouched.
   */
  async mutate(
    jobId: string,
    fn: (job: Job) => { job: Job; reschedule?: boolean; touch?: boolean; due?: Date | null } | null,
    /** The stored JSON the caller believes current: tried first, saving a read. */
    known?: string,
  ): Promise<Job> {
    for (let attempt = 0; ; attempt++) {
      const raw =
        attempt === 0 && known !== undefined ? known : await this.redis.get(keys.job(jobId));
      if (!raw) throw new JobNotFoundError(jobId);
      const current = JSON.parse(raw) as Job;
      const change = fn(current);
      if (!change) return current;
      const now = this.now();
      const job: Job = { ...change.job };
      if (change.touch !== false) job.updated_at = now.toISOString();
      let due: DueChange = 'keep';
      if (change.due !== undefined) {
        job.next_run = isoOrNull(change.due);
        due = change.due;
      } else if (change.reschedule) {
        due = job.is_active ? nextFireTime(job.schedule, job.timezone, now) : null;
        job.next_run = isoOrNull(due);
      }
      const written = await this.refusals(job, () =>
        this.scripts.replaceJob({
          jobId,
          expected: raw,
          json: JSON.stringify(job),
          due,
          event: eventJson('updated', jobId, job),
          upstreams: { before: upstreamsOf(current.schedule), after: upstreamsOf(job.schedule) },
        }),
      );
      if (written) return job;
      if (attempt > 1000)
        throw new Error(`could not update job ${jobId}: too many concurrent writers`);
    }
  }

  /**
   * Removes the job and every key of its own (runs, lock, schedule entry), then its analysis
   * (an analysis run finishing meanwhile writes nothing for a job that is gone). Refused with
   * JobWaitedForError, in the same script, while other jobs run after it.
   */
  async delete(jobId: string): Promise<boolean> {
    let deleted: boolean;
    try {
      deleted = await this.scripts.deleteJob({ jobId, event: eventJson('deleted', jobId, null) });
    } catch (error) {
      if (!(error instanceof GraphRefusedError)) throw error;
      const names = await this.names(error.refusal.ids);
      throw new JobWaitedForError(
        jobId,
        error.refusal.ids.map((id) => ({ job_id: id, name: names.get(id) ?? id })),
      );
    }
    if (deleted) await deleteAnalysis(this.redis, jobId);
    return deleted;
  }
}

/**
 * The task and analysis a patch leaves: turning a job into a fetch job drops its analysis;
 * anything else must keep the rule (an analyze job has an analysis, a fetch job none).
 */
function taskPatch(job: Job, patch: JobUpdate): Pick<Job, 'task' | 'analysis'> {
  const task = patch.task ?? job.task ?? 'fetch';
  const kept = patch.task === 'fetch' ? null : (job.analysis ?? null);
  const analysis = patch.analysis !== undefined ? patch.analysis : kept;
  const error = taskAnalysisError(task, analysis);
  if (error) throw new JobInputError(error.path, error.message);
  return { task, analysis };
}

function eventJson(action: JobEvent['action'], jobId: string, job: Job | null): string {
  const event: JobEvent = { type: 'job', action, job_id: jobId, job };
  return JSON.stringify(event);
}

/** The filter of a listing: `active` equal, and `q` in the name or in any symbol. */
export function jobMatcher(options: Pick<ListOptions, 'q' | 'active'>): (job: Job) => boolean {
  const q = options.q?.trim().toLowerCase();
  const upper = q?.toUpperCase();
  return (job) =>
    (options.active === undefined || job.is_active === options.active) &&
    (!q || job.name.toLowerCase().includes(q) || job.stock_ids.some((s) => s.includes(upper!)));
}
