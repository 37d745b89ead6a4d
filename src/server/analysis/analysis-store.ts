/**
 * The latest values of an analysis job, as its last run stored them (one string per job,
 * replaced whole by analysis-save-4.lua, so a reader sees one run's values, never a mix).
 */
import type { Redis } from 'ioredis';
import type { AnalysisAnswer } from '~/domain/analysis';
import type { Job } from '~/domain/job-definition';
import { keys } from '../keys';

/** The job's latest analysis; no values yet (never ran, or not an analyze job) is all nulls. */
export async function readAnalysis(redis: Redis, job: Job): Promise<AnalysisAnswer> {
  const raw = job.task === 'analyze' ? await redis.get(keys.analysis(job.job_id)) : null;
  if (raw) return JSON.parse(raw) as AnalysisAnswer;
  return { job_id: job.job_id, run_id: null, computed_at: null, symbols: [] };
}

/** Removes a deleted job's values and its record of raised signals. */
export async function deleteAnalysis(redis: Redis, jobId: string): Promise<void> {
  await redis.del(keys.analysis(jobId), keys.analysisSignals(jobId));
}
