import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { processMetrics } from './process-metrics';

export interface ScrapeSources {
  redis: Redis;
  /** Runs waiting or delayed in the queue. */
  queuedRuns(): Promise<number>;
  /** Symbols of active jobs whose data is not fresh, or null when unknown. */
  staleSymbols?(): Promise<number | null>;
}

/** A label value as Prometheus' text format wants it. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gaugeLines(name: string, help: string, samples: Iterable<[string, number]>): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
  for (const [jobId, ms] of samples) out += `${name}{job_id="${label(jobId)}"} ${ms / 1000}\n`;
  return out;
}

/**
 * The text of GET /metrics. The per-job gauges are computed from Redis at scrape time with
 * three reads whatever the number of jobs (the job index, the due set with its scores, and
 * the last-success hash), and written straight as text: 10,000 jobs are 20,000 lines, which
 * prom-client's label maps would rebuild on every scrape for nothing.
 */
export async function scrapeMetrics(sources: ScrapeSources): Promise<string> {
  const { redis } = sources;
  const [index, due, lastSuccess, queued, stale] = await Promise.all([
    redis.get(keys.jobIndex),
    redis.zrange(keys.due, 0, -1, 'WITHSCORES'),
    redis.hgetall(keys.jobLastSuccess),
    sources.queuedRuns(),
    sources.staleSymbols?.() ?? Promise.resolve(null),
  ]);
  const jobIds = new Set<string>(index ? (JSON.parse(index) as string[]) : []);
  const next: [string, number][] = [];
  for (let i = 0; i + 1 < due.length; i += 2) next.push([due[i]!, Number(due[i + 1])]);
  const success: [string, number][] = [];
  for (const [jobId, ms] of Object.entries(lastSuccess)) {
    if (jobIds.has(jobId)) success.push([jobId, Number(ms)]);
  }
  let text = gaugeLines(
    'stock_scheduler_job_next_run_timestamp_seconds',
    'Next fire time of each active job (Unix seconds)',
    next,
  );
  text += gaugeLines(
    'stock_scheduler_job_last_success_timestamp_seconds',
    'Finish time of the last completed run of each job (Unix seconds)',
    success,
  );
  text += `# HELP stock_scheduler_queued_runs Runs waiting or delayed in the queue\n# TYPE stock_scheduler_queued_runs gauge\nstock_scheduler_queued_runs ${queued}\n`;
  text += `# HELP stock_scheduler_stale_symbols Symbols of active jobs whose data is not fresh\n# TYPE stock_scheduler_stale_symbols gauge\nstock_scheduler_stale_symbols ${stale ?? 0}\n`;
  text += `# HELP stock_scheduler_jobs Jobs defined\n# TYPE stock_scheduler_jobs gauge\nstock_scheduler_jobs ${jobIds.size}\n`;
  return text + (await processMetrics().registry.metrics());
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
