/**
 * The counters and histograms this process keeps (each instance counts what it did itself,
 * as Prometheus expects of a counter; sum them across instances). One registry per process,
 * on globalThis so the route handlers' bundle and the server share it.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Run } from '~/domain/job-definition';

function build() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    runs: new Counter({
      name: 'stock_scheduler_runs_total',
      help: 'Runs finished by this process, by outcome',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: 'stock_scheduler_run_duration_seconds',
      help: 'Duration of the runs finished by this process',
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers: [registry],
    }),
    providerRequests: new Counter({
      name: 'stock_scheduler_provider_requests_total',
      help: 'Market-data provider requests made by this process, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'stock_scheduler_notifications_total',
      help: 'Notification attempts made by this process, by channel kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type ProcessMetrics = ReturnType<typeof build>;

const holder = globalThis as { __stockSchedulerMetrics?: ProcessMetrics };

export function processMetrics(): ProcessMetrics {
  holder.__stockSchedulerMetrics ??= build();
  return holder.__stockSchedulerMetrics;
}

/**
 * Counts a run's last step in this process: its status in runs_total, and for a run that ran
 * (finished, whatever its outcome) its duration from start to finish.
 */
export function countRun(run: Run, ran: boolean): void {
  const metrics = processMetrics();
  metrics.runs.inc({ status: run.status });
  if (!ran || !run.finished_at) return;
  const seconds = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
  if (seconds >= 0) metrics.runDuration.observe(seconds);
}
