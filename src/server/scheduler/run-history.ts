import type { Redis } from 'ioredis';
import { keys } from '../keys';
import type { Run } from './job-definition';

/**
 * Writes a run and keeps the job's history capped, in one step. A run of a job deleted
 * meanwhile is dropped, so a late finish never brings a deleted job's keys back.
 */
const SAVE_SCRIPT = `
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  for _, id in ipairs(old) do redis.call('DEL', ARGV[5] .. id) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
return 1
`;

type WithSave = Redis & {
  runSave(run: string, jobRuns: string, job: string, ...argv: string[]): Promise<number>;
  __runScripts?: boolean;
};

export class RunHistory {
  private readonly redis: WithSave;

  constructor(
    redis: Redis,
    private readonly limit: number,
  ) {
    this.redis = redis as WithSave;
    if (!this.redis.__runScripts) {
      redis.defineCommand('runSave', { numberOfKeys: 3, lua: SAVE_SCRIPT });
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
