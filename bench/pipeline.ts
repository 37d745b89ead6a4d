/**
 * `npm run bench:pipeline`: BENCH_PIPELINES (100) pipelines `up_i -> down_i` whose upstream runs
 * finish together; the time from each upstream run's finish to its downstream run's start
 * (p50/p99), against a plain run-now of the same downstream jobs in the same process (from the
 * call to the run's start). BENCH_ROUNDS (5) rounds of each. The runs' work is instant, so what
 * is measured is the hand-over: finish script -> triggers stream -> consumer -> queue -> worker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Run } from '../src/domain/job-definition';
import type { Services } from '../src/server/services';
import { startTestRedis } from '../test/support/redis-server';
import { instantExecutor, testServices } from '../test/support/services';

const PIPELINES = Number(process.env.BENCH_PIPELINES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: +s.at(-1)!.toFixed(1) };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);

/** Waits until each job has `count` finished runs; returns the newest run of each. */
async function newestRuns(services: Services, ids: string[], count: number): Promise<Run[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const lists = await Promise.all(ids.map((id) => services.runs.list(id, count)));
    const done = lists.every((l) => l.filter((r) => r.finished_at).length >= count);
    if (done) return lists.map((l) => l[0]!);
    if (Date.now() > deadline) throw new Error('runs did not finish in 120 s');
    await sleep(20);
  }
}

const redis = await startTestRedis({ appendonly: false });
const services = testServices(
  redis.url,
  { MAX_CONCURRENT_RUNS: String(2 * PIPELINES), RUN_HISTORY_LIMIT: '50' },
  { executor: instantExecutor },
);
try {
  const load = os.loadavg().map((l) => +l.toFixed(2));
  await services.startScheduler();
  const ups: string[] = [];
  const downs: string[] = [];
  for (let i = 0; i < PIPELINES; i++) {
    const up = await services.registry.create({
      name: `up ${i}`,
      stock_ids: ['AAPL'],
      schedule_time: '03:17',
      timezone: 'UTC',
    });
    const down = await services.registry.create({
      name: `down ${i}`,
      stock_ids: ['MSFT'],
      schedule: { kind: 'after', jobs: [up.job_id], when: 'success', wait: 'any' },
    });
    ups.push(up.job_id);
    downs.push(down.job_id);
  }
  log(`${PIPELINES} pipelines, ${ROUNDS} rounds`);
  const afterUpstream: number[] = [];
  const afterRunNow: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await Promise.all(ups.map((id) => services.scheduler.runNow(id)));
    const upRuns = new Map(
      (await newestRuns(services, ups, round)).map((r) => [r.run_id, Date.parse(r.finished_at!)]),
    );
    const downRuns = await newestRuns(services, downs, 2 * round - 1);
    for (const run of downRuns) {
      const finishedAt = upRuns.get(run.upstream?.[0]?.run_id ?? '');
      if (finishedAt === undefined) throw new Error(`run ${run.run_id} names no upstream run`);
      afterUpstream.push(Date.parse(run.started_at) - finishedAt);
    }
    const calledAt = new Map<string, number>();
    await Promise.all(
      downs.map((id) => {
        calledAt.set(id, Date.now());
        return services.scheduler.runNow(id);
      }),
    );
    for (const run of await newestRuns(services, downs, 2 * round)) {
      if (run.trigger !== 'manual') throw new Error('expected the run-now run');
      afterRunNow.push(Date.parse(run.started_at) - calledAt.get(run.job_id)!);
    }
    log(`round ${round} done`);
  }
  const result = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    load_average_at_start: load,
    load_average_at_end: os.loadavg().map((l) => +l.toFixed(2)),
    pipelines: PIPELINES,
    rounds: ROUNDS,
    upstream_finish_to_downstream_start_ms: stats(afterUpstream),
    run_now_call_to_start_ms: stats(afterRunNow),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/pipeline.json', JSON.stringify(result, null, 2));
} finally {
  await services.close();
  await redis.stop();
}
