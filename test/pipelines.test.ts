/**
 * After-schedules with real server processes on one real Redis: exactly one downstream run per
 * upstream run across three instances and a kill -9, fan-in with wait "all", the `when`
 * variants over failed, partial and completed upstream runs, and stop/start of either side.
 */
import { describe, expect, it } from 'vitest';
import type { Run } from '../src/domain/job-definition';
import { useAppCluster } from './support/app-cluster';
import { api, waitFor } from './support/http';

const cluster = useAppCluster({
  replay: { synthetic: true, latencyMs: 5, unknownSymbols: ['NOPE'] },
});
const { createJob, runs } = cluster;
const server = (env?: Record<string, string>) => cluster.start('server', env);

const finished = (r: Run) =>
  r.finished_at !== null && ['completed', 'partial', 'failed'].includes(r.status);

/**
 * Waits until every trigger owed so far has become a run and every run has ended: the triggers
 * stream is empty (entries are deleted once queued), nothing is queued or running.
 */
async function settled(base: string, jobIds: string[]): Promise<void> {
  await waitFor(
    'the pipelines to settle',
    async () => {
      if ((await cluster.client.xlen('scheduler:upstream_triggers')) > 0) return false;
      const status = await api<{ queued_runs: number; running_jobs: number }>(
        base,
        'GET',
        '/scheduler/status',
      );
      if (status.body.queued_runs > 0 || status.body.running_jobs > 0) return false;
      for (const id of jobIds)
        if ((await runs(base, id)).some((r) => r.status === 'running' || r.status === 'queued'))
          return false;
      return true;
    },
    60_000,
  );
}

/** Each downstream run names exactly one upstream run, and each of `upstream` has one. */
function expectOneEach(upstream: Run[], downstream: Run[]) {
  expect(downstream.every((r) => r.trigger === 'upstream')).toBe(true);
  const named = downstream.map((r) => {
    expect(r.upstream, JSON.stringify(r)).toHaveLength(1);
    return r.upstream![0]!.run_id;
  });
  expect(new Set(named).size, 'two downstream runs of one upstream run').toBe(named.length);
  expect([...named].sort()).toEqual(upstream.map((r) => r.run_id).sort());
}

describe('after schedules, real processes', () => {
  it('a 2-second chain on three instances, one killed mid-run: one downstream run per upstream run', async () => {
    const [web] = await Promise.all([server(), server(), server()]);
    // The upstream run takes a while: its unknown symbol has no series to serve it from, so
    // every run asks the provider, which answers it slowly (a partial run).
    cluster.replay.setFaults('NOPE', { latencyMs: 1200 });
    const up = await createJob(web!.url, {
      name: 'Fetch every 2 s',
      stock_ids: ['UPX', 'NOPE'],
      schedule: { kind: 'cron', expression: '*/2 * * * * *' },
    });
    const down = await createJob(web!.url, {
      name: 'After the fetch',
      stock_ids: ['DNX'],
      schedule: { kind: 'after', jobs: [up], when: 'always' },
    });
    await waitFor(
      'three upstream runs',
      async () => (await runs(web!.url, up)).filter(finished).length >= 3,
    );
    // Kill -9 the instance running an upstream run (its log says it started it).
    const { victim, killedRun } = await waitFor('an upstream run in progress', async () => {
      const runId = await cluster.client.get(`scheduler:job_lock:${up}`);
      const holder = runId
        ? cluster.apps.find((a) =>
            a.logs.some((l) => l.includes('Run started') && l.includes(runId)),
          )
        : undefined;
      return holder && { victim: holder, killedRun: runId };
    });
    const killedAt = Date.now();
    await victim.kill();
    const base = cluster.apps.find((a) => a !== victim)!.url;
    await waitFor(
      'more upstream runs after the kill',
      async () =>
        (await runs(base, up)).filter(
          (r) => finished(r) && Date.parse(r.started_at) > killedAt + 6000,
        ).length >= 2,
      60_000,
    );
    await api(base, 'POST', `/scheduler/jobs/${up}/stop`);
    await settled(base, [up, down]);

    const upstream = (await runs(base, up)).filter(finished);
    const downstream = await runs(base, down);
    expect(upstream.length).toBeGreaterThanOrEqual(5);
    expect(downstream.every(finished)).toBe(true);
    expectOneEach(upstream, downstream);
    // The run that was running when its instance died still ended: finished elsewhere (and
    // then it has its one downstream run, above), or skipped if the job's next fire took the
    // lock first once the dead run's lock expired (it then owes nothing).
    expect(killedRun).toBeTruthy();
    const killed = (await runs(base, up)).find((r) => r.run_id === killedRun);
    expect(killed?.finished_at, JSON.stringify(killed)).toBeTruthy();
  }, 150_000);

  it('wait "all" over two jobs firing at different moments: one downstream run per pair', async () => {
    const web = await server();
    const a = await createJob(web.url, {
      name: 'A every 2 s',
      stock_ids: ['FA'],
      schedule: { kind: 'cron', expression: '*/2 * * * * *' },
    });
    const b = await createJob(web.url, {
      name: 'B every 4 s, on odd seconds',
      stock_ids: ['FB'],
      schedule: { kind: 'cron', expression: '1-59/4 * * * * *' },
    });
    const both = await createJob(web.url, {
      name: 'After A and B',
      stock_ids: ['FAB'],
      schedule: { kind: 'after', jobs: [a, b], wait: 'all' },
    });
    await waitFor(
      'four runs of B',
      async () => (await runs(web.url, b)).filter(finished).length >= 4,
      60_000,
    );
    await api(web.url, 'POST', `/scheduler/jobs/${a}/stop`);
    await api(web.url, 'POST', `/scheduler/jobs/${b}/stop`);
    await settled(web.url, [a, b, both]);

    // The pairs the contract asks for: once each job has a run newer than the last trigger.
    const finishes = [...(await runs(web.url, a)), ...(await runs(web.url, b))]
      .filter((r) => r.status === 'completed')
      .sort((x, y) => Date.parse(x.finished_at!) - Date.parse(y.finished_at!));
    const pending = new Map<string, string>();
    const pairs: string[] = [];
    for (const r of finishes) {
      pending.set(r.job_id, r.run_id);
      if (pending.size === 2) {
        pairs.push(`${pending.get(a)}+${pending.get(b)}`);
        pending.clear();
      }
    }
    const downstream = await runs(web.url, both);
    expect(pairs.length).toBeGreaterThanOrEqual(3);
    expect(
      downstream
        .map((r) => {
          expect(r.upstream?.map((u) => u.job_id)).toEqual([a, b]);
          return `${r.upstream![0]!.run_id}+${r.upstream![1]!.run_id}`;
        })
        .sort(),
    ).toEqual(pairs.sort());
  }, 120_000);

  it('`when` over a failed, a partial and a completed upstream run', async () => {
    const web = await server();
    const upstreams = {
      failed: await createJob(web.url, {
        name: 'Fails',
        stock_ids: ['NOPE'],
        schedule_time: '03:00',
      }),
      partial: await createJob(web.url, {
        name: 'Partial',
        stock_ids: ['GOOD1', 'NOPE'],
        schedule_time: '03:00',
      }),
      completed: await createJob(web.url, {
        name: 'Works',
        stock_ids: ['GOOD2'],
        schedule_time: '03:00',
      }),
    };
    const downstreams: { up: keyof typeof upstreams; when: string; id: string }[] = [];
    for (const up of Object.keys(upstreams) as (keyof typeof upstreams)[])
      for (const when of ['success', 'not_failed', 'always'])
        downstreams.push({
          up,
          when,
          id: await createJob(web.url, {
            name: `${when} after ${up}`,
            stock_ids: ['DOWN'],
            schedule: { kind: 'after', jobs: [upstreams[up]], when },
          }),
        });
    for (const id of Object.values(upstreams))
      expect((await api(web.url, 'POST', `/scheduler/jobs/${id}/run`)).status).toBe(202);
    await settled(web.url, [...Object.values(upstreams), ...downstreams.map((d) => d.id)]);

    for (const [up, id] of Object.entries(upstreams))
      expect((await runs(web.url, id)).map((r) => r.status)).toEqual([up]);
    const takes: Record<string, string[]> = {
      success: ['completed'],
      not_failed: ['completed', 'partial'],
      always: ['completed', 'partial', 'failed'],
    };
    for (const d of downstreams) {
      const got = await runs(web.url, d.id);
      expect(got.length, `${d.when} after ${d.up}`).toBe(takes[d.when]!.includes(d.up) ? 1 : 0);
      if (got.length > 0) expectOneEach(await runs(web.url, upstreams[d.up]), got);
    }
  }, 90_000);

  it('a stopped downstream job ignores triggers; started again, it runs; run-now works', async () => {
    const web = await server();
    const up = await createJob(web.url, { name: 'Up', stock_ids: ['SUP'], schedule_time: '03:00' });
    const down = await createJob(web.url, {
      name: 'Down',
      stock_ids: ['SDN'],
      schedule: { kind: 'after', jobs: [up] },
    });
    const runUp = async () => {
      expect((await api(web.url, 'POST', `/scheduler/jobs/${up}/run`)).status).toBe(202);
      await settled(web.url, [up, down]);
    };
    await api(web.url, 'POST', `/scheduler/jobs/${down}/stop`);
    await runUp();
    expect(await runs(web.url, down)).toEqual([]);

    await api(web.url, 'POST', `/scheduler/jobs/${down}/start`);
    await runUp();
    expectOneEach((await runs(web.url, up)).slice(0, 1), await runs(web.url, down));

    // A stopped upstream job's run-now still runs, and still owes its run downstream.
    await api(web.url, 'POST', `/scheduler/jobs/${up}/stop`);
    await runUp();
    expectOneEach((await runs(web.url, up)).slice(0, 2), await runs(web.url, down));

    const manual = await api<{ run_id: string }>(web.url, 'POST', `/scheduler/jobs/${down}/run`);
    expect(manual.status).toBe(202);
    await settled(web.url, [up, down]);
    const run = (await runs(web.url, down)).find((r) => r.run_id === manual.body.run_id);
    expect(run?.trigger).toBe('manual');
    expect(run?.status).toBe('completed');
    expect(run?.upstream).toBeUndefined();
  }, 90_000);
});
