import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import type { JobEvent } from '~/domain/change-events';
import { EVENTS_MAXLEN } from './events';
import {
  normaliseSchedule,
  scheduleTimezone,
  type Job,
  type JobCreate,
  type JobUpdate,
} from '~/domain/job-definition';
import { nextFireTime } from '~/domain/schedule';

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} not found`);
  }
}

export interface ListOptions {
  limit?: number | undefined;
  offset?: number | undefined;
  /** Case-insensitive match on the name, or on any symbol. */
  q?: string | undefined;
  active?: boolean | undefined;
}

/** What a job change tells the event stream (and so the dashboard). */
const MGET_CHUNK = 1000;

/**
 * The index is a JSON array kept as a string (so `redis-cli GET scheduler:job_index` shows
 * it). It is edited in place rather than through cjson, which would rewrite every id on every
 * change: a create overwrites the closing `]` with `,"id"]` (SETRANGE, O(1)); a delete is one
 * plain-text find.
 */
const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
local entry = '"' .. ARGV[1] .. '"'
local len = redis.call('STRLEN', KEYS[2])
if len <= 2 then
  redis.call('SET', KEYS[2], '[' .. entry .. ']')
else
  redis.call('SETRANGE', KEYS[2], len - 1, ',' .. entry .. ']')
end
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
  redis.call('PUBLISH', ARGV[5], ARGV[1])
end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'data', ARGV[4])
redis.call('INCR', KEYS[5])
return 1
`;

/**
 * Compare-and-set of one job: the new JSON is written only if the stored one is still the
 * string the caller read, so two writers (a user's edit, a run finishing) never lose each
 * other's change; the loser re-reads and re-applies. The due set moves in the same step.
 * ARGV[4]: '' removes the job from the due set, 'keep' leaves it, a number sets its score.
 */
const CAS_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
if cur ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('INCR', KEYS[4])
if ARGV[4] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
elseif ARGV[4] ~= 'keep' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
if ARGV[4] ~= 'keep' then redis.call('PUBLISH', ARGV[6], ARGV[1]) end
if ARGV[5] ~= '' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'data', ARGV[5])
end
return 1
`;

const DELETE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[7])
local idx = redis.call('GET', KEYS[2]) or '[]'
local entry = '"' .. ARGV[1] .. '"'
local s, e = string.find(idx, entry, 1, true)
if s then
  local before = string.sub(idx, 1, s - 1)
  local after = string.sub(idx, e + 1)
  if string.sub(after, 1, 1) == ',' then
    after = string.sub(after, 2)
  elseif string.sub(before, -1) == ',' then
    before = string.sub(before, 1, -2)
  end
  idx = before .. after
end
redis.call('SET', KEYS[2], idx)
redis.call('ZREM', KEYS[3], ARGV[1])
local runs = redis.call('ZRANGE', KEYS[5], 0, -1)
for _, runId in ipairs(runs) do redis.call('DEL', ARGV[3] .. runId) end
redis.call('DEL', KEYS[5], KEYS[6])
redis.call('PUBLISH', ARGV[4], ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'data', ARGV[2])
return 1
`;

type Scripts = {
  jobCreate(
    job: string,
    index: string,
    due: string,
    events: string,
    version: string,
    ...argv: string[]
  ): Promise<number>;
  jobCas(
    job: string,
    due: string,
    events: string,
    version: string,
    ...argv: string[]
  ): Promise<number>;
  jobDelete(
    job: string,
    index: string,
    due: string,
    events: string,
    runs: string,
    lock: string,
    version: string,
    ...argv: string[]
  ): Promise<number>;
};

function defineScripts(redis: Redis): Redis & Scripts {
  const r = redis as Redis & Scripts & { __jobScripts?: boolean };
  if (!r.__jobScripts) {
    redis.defineCommand('jobCreate', { numberOfKeys: 5, lua: CREATE_SCRIPT });
    redis.defineCommand('jobCas', { numberOfKeys: 4, lua: CAS_SCRIPT });
    redis.defineCommand('jobDelete', { numberOfKeys: 7, lua: DELETE_SCRIPT });
    r.__jobScripts = true;
  }
  return r;
}

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Job CRUD in Redis, under the keys of CONTRACT.md section 6. Every write keeps the job key,
 * `scheduler:job_index`, the due set and the event stream in step inside one Lua script.
 */
export class JobRegistry {
  private readonly redis: Redis & Scripts;
  private readonly defaultTimezone: string;
  private readonly now: () => Date;

  constructor(opts: { redis: Redis; defaultTimezone: string; now?: () => Date }) {
    this.redis = defineScripts(opts.redis);
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
    };
    const json = JSON.stringify(job);
    await this.redis.jobCreate(
      keys.job(job.job_id),
      keys.jobIndex,
      keys.due,
      keys.events,
      keys.jobsVersion,
      job.job_id,
      json,
      next ? String(next.getTime()) : '',
      eventJson('created', job.job_id, job),
      keys.wakeChannel,
      EVENTS_MAXLEN,
    );
    return job;
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
      let due = 'keep';
      if (change.due !== undefined) {
        job.next_run = isoOrNull(change.due);
        due = change.due ? String(change.due.getTime()) : '';
      } else if (change.reschedule) {
        const next = job.is_active ? nextFireTime(job.schedule, job.timezone, now) : null;
        job.next_run = isoOrNull(next);
        due = next ? String(next.getTime()) : '';
      }
      const json = JSON.stringify(job);
      const result = await this.redis.jobCas(
        keys.job(jobId),
        keys.due,
        keys.events,
        keys.jobsVersion,
        jobId,
        raw,
        json,
        due,
        eventJson('updated', jobId, job),
        keys.wakeChannel,
        EVENTS_MAXLEN,
      );
      if (result === 1) return job;
      if (result === -1) throw new JobNotFoundError(jobId);
      if (attempt > 1000)
        throw new Error(`could not update job ${jobId}: too many concurrent writers`);
    }
  }

  /** Removes the job and every key of its own (runs, lock, schedule entry). */
  async delete(jobId: string): Promise<boolean> {
    const result = await this.redis.jobDelete(
      keys.job(jobId),
      keys.jobIndex,
      keys.due,
      keys.events,
      keys.jobRuns(jobId),
      keys.jobLock(jobId),
      keys.jobsVersion,
      jobId,
      eventJson('deleted', jobId, null),
      keys.run(''),
      keys.wakeChannel,
      EVENTS_MAXLEN,
    );
    return result === 1;
  }
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
