import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { SET_NEXT_RUN } from './dispatcher';
import type { RunEvent } from '~/domain/change-events';
import { EVENTS_MAXLEN } from './events';
import type { Job, Run } from '~/domain/job-definition';

/**
 * Writes a run and keeps the job's history capped, in one step. A run of a job deleted
 * meanwhile is dropped, so a late finish never brings a deleted job's keys back.
 */
const SAVE_RUN = `
local function saveRun(runKey, jobRunsKey, runJson, startedMs, runId, limit, runPrefix)
  redis.call('SET', runKey, runJson)
  redis.call('ZADD', jobRunsKey, startedMs, runId)
  local excess = redis.call('ZCARD', jobRunsKey) - tonumber(limit)
  if excess > 0 then
    local old = redis.call('ZRANGE', jobRunsKey, 0, excess - 1)
    for _, id in ipairs(old) do redis.call('DEL', runPrefix .. id) end
    redis.call('ZREMRANGEBYRANK', jobRunsKey, 0, excess - 1)
  end
end
`;

const SAVE_SCRIPT = `${SAVE_RUN}
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
saveRun(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return 1
`;

/**
 * One step of a run, in one round trip: the run record saved (history capped), the job's
 * status fields set, the change event appended, and the job's run lock released at the end.
 *
 * The job's fields are replaced in its stored JSON text rather than by a compare-and-set of the
 * whole job, so a user's edit landing at the same moment is neither lost nor retried. The
 * patterns are safe: JSON escapes every quote inside a string value, so \`,"status":"\` can only
 * be the job's own key, and the values replaced (a status word, null or an ISO instant) hold no
 * comma or brace.
 *
 * A scheduled fire claimed ahead of its time left the job's next_run on it; its run moves
 * next_run on to the job's due score, if that is still the one the run computed.
 *
 * KEYS: run, job runs, job, events, jobs version, job lock, due set.
 * ARGV: run JSON, started ms, run id, history limit, run key prefix, event action, job id,
 *       job status ('' leaves the job's status as it is), last_run ('' leaves last_run and
 *       last_run_status), release the lock ('1'), events maxlen, next fire ms and its JSON
 *       ('' leaves next_run).
 */
const RECORD_SCRIPT = `${SAVE_RUN}${SET_NEXT_RUN}
local job = redis.call('GET', KEYS[3])
if job then
  saveRun(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
  local event = '{"type":"run","action":"' .. ARGV[6] .. '","job_id":"' .. ARGV[7] .. '","run":' .. ARGV[1]
  local changed = false
  if ARGV[12] ~= '' and tonumber(redis.call('ZSCORE', KEYS[7], ARGV[7]) or '-1') == tonumber(ARGV[12]) then
    job = setNextRun(job, ARGV[13]) or job
    changed = true
  end
  if ARGV[8] ~= '' then
    job = string.gsub(job, '([{,])"status":"[^"]*"', '%1"status":"' .. ARGV[8] .. '"', 1)
    if ARGV[9] ~= '' then
      job = string.gsub(job, '([{,])"last_run_status":[^,}]*', '%1"last_run_status":"' .. ARGV[8] .. '"', 1)
      job = string.gsub(job, '([{,])"last_run":[^,}]*', '%1"last_run":"' .. ARGV[9] .. '"', 1)
    end
    changed = true
  end
  if changed then
    redis.call('SET', KEYS[3], job)
    redis.call('INCR', KEYS[5])
    event = event .. ',"job":' .. job
  end
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[11], '*', 'data', event .. '}')
end
if ARGV[10] == '1' and redis.call('GET', KEYS[6]) == ARGV[3] then redis.call('DEL', KEYS[6]) end
if job then return job end
return false
`;

/**
 * The start of a run, in one round trip: its job's run lock taken (or renewed by the same run),
 * the job and any earlier record of this run read.
 * KEYS: job lock, job, run. ARGV: run id, lock ttl ms. Returns [locked, job JSON, run JSON].
 */
const BEGIN_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
local locked = 0
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  locked = 1
end
return { locked, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]) }
`;

type Scripts = Redis & {
  runSave(run: string, jobRuns: string, job: string, ...argv: string[]): Promise<number>;
  runRecord(...keysAndArgs: string[]): Promise<string | null>;
  runBegin(
    lock: string,
    job: string,
    run: string,
    runId: string,
    ttl: string,
  ): Promise<[number, string | null, string | null]>;
  __runScripts?: boolean;
};

/** What a step of a run does to its job besides saving the run. */
export interface RunStep {
  action: RunEvent['action'];
  /** The job's new `status`; omitted, the job is left as it is. */
  jobStatus?: Job['status'];
  /** With `jobStatus`: the run is over, `last_run` and `last_run_status` follow it. */
  finished?: boolean;
  /** Drop the job's run lock if this run still holds it. */
  releaseLock?: boolean;
  /** The job's fire after this run's: next_run moves to it if the due set holds it. */
  nextRun?: Date | null;
}

export class RunHistory {
  private readonly redis: Scripts;

  constructor(
    redis: Redis,
    private readonly limit: number,
  ) {
    this.redis = redis as Scripts;
    if (!this.redis.__runScripts) {
      redis.defineCommand('runSave', { numberOfKeys: 3, lua: SAVE_SCRIPT });
      redis.defineCommand('runRecord', { numberOfKeys: 7, lua: RECORD_SCRIPT });
      redis.defineCommand('runBegin', { numberOfKeys: 3, lua: BEGIN_SCRIPT });
      this.redis.__runScripts = true;
    }
  }

  /** Stores the run; false when its job no longer exists. */
  async save(run: Run): Promise<boolean> {
    const result = await this.redis.runSave(
      keys.run(run.run_id),
      keys.jobRuns(run.job_id),
      keys.job(run.job_id),
      JSON.stringify(run),
      String(Date.parse(run.started_at)),
      run.run_id,
      String(this.limit),
      keys.run(''),
    );
    return result === 1;
  }

  /**
   * Saves the run, updates its job and publishes the change, atomically. Returns the job as
   * stored afterwards (its JSON), or null when the job no longer exists (nothing is written).
   */
  record(run: Run, step: RunStep): Promise<string | null> {
    return this.redis.runRecord(
      keys.run(run.run_id),
      keys.jobRuns(run.job_id),
      keys.job(run.job_id),
      keys.events,
      keys.jobsVersion,
      keys.jobLock(run.job_id),
      keys.due,
      JSON.stringify(run),
      String(Date.parse(run.started_at)),
      run.run_id,
      String(this.limit),
      keys.run(''),
      step.action,
      run.job_id,
      step.jobStatus ?? '',
      step.jobStatus && step.finished ? run.started_at : '',
      step.releaseLock ? '1' : '',
      EVENTS_MAXLEN,
      step.nextRun ? String(step.nextRun.getTime()) : '',
      step.nextRun ? JSON.stringify(step.nextRun.toISOString()) : '',
    );
  }

  /** Takes the job's run lock for `runId` and reads the job and the run, in one round trip. */
  async begin(
    jobId: string,
    runId: string,
    lockMs: number,
  ): Promise<{ locked: boolean; job: string | null; run: Run | null }> {
    const [locked, job, run] = await this.redis.runBegin(
      keys.jobLock(jobId),
      keys.job(jobId),
      keys.run(runId),
      runId,
      String(lockMs),
    );
    return { locked: locked === 1, job, run: run ? (JSON.parse(run) as Run) : null };
  }

  async get(runId: string): Promise<Run | null> {
    const raw = await this.redis.get(keys.run(runId));
    return raw ? (JSON.parse(raw) as Run) : null;
  }

  /** Newest first. */
  async list(jobId: string, limit = this.limit): Promise<Run[]> {
    const ids = await this.redis.zrevrange(keys.jobRuns(jobId), 0, Math.max(0, limit - 1));
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => keys.run(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Run);
  }
}
