/** What `GET /scheduler/status` answers: live instances, the queue, and the next fire. */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { keys } from '../keys';
import { instanceSchema, liveInstances } from './instances';
import type { JobRegistry } from './job-registry';
import { whyDropped, type RunData, type RunQueue } from './run-queue';

export const schedulerStatusSchema = z.object({
  running: z.boolean(),
  instances: z.array(instanceSchema),
  active_jobs: z.number(),
  total_jobs: z.number(),
  running_jobs: z.number(),
  max_concurrent_jobs: z.number(),
  queued_runs: z.number(),
  next_run: z.object({ job_id: z.string(), at: z.string() }).nullable(),
});

export type SchedulerStatus = z.infer<typeof schedulerStatusSchema>;

export async function schedulerStatus(deps: {
  redis: Redis;
  queue: RunQueue;
  registry: JobRegistry;
  maxConcurrentRuns: number;
}): Promise<SchedulerStatus> {
  const { redis } = deps;
  const [instances, counts, activeJobs, index, first, claimed] = await Promise.all([
    liveInstances(redis),
    deps.queue.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized'),
    redis.zcard(keys.due),
    redis.get(keys.jobIndex),
    redis.zrange(keys.due, 0, 0, 'WITHSCORES'),
    nextClaimedFire(deps.queue, deps.registry),
  ]);
  const totalJobs = index && index !== '[]' ? index.split(',').length : 0;
  let next = first.length >= 2 ? { job_id: first[0]!, at_ms: Number(first[1]) } : null;
  if (claimed && (!next || claimed.at_ms <= next.at_ms)) next = claimed;
  return {
    running: instances.some((i) => i.dispatching),
    instances,
    active_jobs: activeJobs,
    total_jobs: totalJobs,
    running_jobs: counts.active ?? 0,
    max_concurrent_jobs: deps.maxConcurrentRuns,
    queued_runs: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
    next_run: next ? { job_id: next.job_id, at: new Date(next.at_ms).toISOString() } : null,
  };
}

/**
 * The earliest fire already claimed (up to a second ahead, so the due set holds the job's
 * following fire) and waiting as a delayed run that will still run. Retries waiting out their
 * backoff are delayed runs too; their fire is past, so they are passed over.
 */
async function nextClaimedFire(
  queue: RunQueue,
  registry: JobRegistry,
): Promise<{ job_id: string; at_ms: number } | null> {
  const now = Date.now();
  const delayed = await queue.queue.getDelayed(0, 9);
  const fires = delayed
    .map((j) => j.data as RunData)
    .filter((d) => d.trigger === 'schedule' && d.fire_ms !== undefined && d.fire_ms > now)
    .sort((a, b) => a.fire_ms! - b.fire_ms!);
  for (const data of fires) {
    const job = await registry.get(data.job_id);
    if (!whyDropped(job, data)) return { job_id: data.job_id, at_ms: data.fire_ms! };
  }
  return null;
}
