/**
 * Instance heartbeats: every scheduler process writes what it is and does into one hash every
 * couple of seconds (instance-beat-2.lua, which also works while Redis is at maxmemory), so the
 * status page lists the live ones; an entry older than its TTL is a process that died and is
 * dropped by the next reader. The beat's time in Redis's clock tells the run recovery
 * (run-recovery.ts) which owners of running runs are gone.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger';
import { keys } from '../keys';
import { InstanceScripts } from '../redis/instance-scripts';

export const instanceSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  role: z.string(),
  dispatching: z.boolean(),
  working: z.boolean(),
  started_at: z.string(),
  last_heartbeat: z.string(),
  running_runs: z.number(),
});

export type InstanceInfo = z.infer<typeof instanceSchema>;

export const HEARTBEAT_MS = 2000;
/** An instance whose last heartbeat is older than this is gone. */
export const INSTANCE_TTL_MS = 10_000;
/** A failed heartbeat is tried again this soon, not a whole interval later. */
const RETRY_MS = 250;

export class InstanceHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private soonTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  private readonly startedAt = new Date().toISOString();
  private readonly scripts: InstanceScripts;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    readonly instanceId: string,
    private readonly describe: () => Pick<
      InstanceInfo,
      'role' | 'dispatching' | 'working' | 'running_runs'
    >,
  ) {
    this.scripts = new InstanceScripts(redis);
  }

  /** Writes the first heartbeat (so a failure to reach Redis fails the start), then keeps on. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => this.beatLogged(), HEARTBEAT_MS);
  }

  /** A heartbeat shortly after a run starts or ends, so the status shows it; coalesced. */
  soon(): void {
    if (this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      this.beatLogged();
    }, 100);
  }

  /** Stops beating and removes this instance's entry at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // Left behind, the entry drops out of the list after its TTL anyway.
    await this.redis
      .multi()
      .hdel(keys.instances, this.instanceId)
      .zrem(keys.instanceBeats, this.instanceId)
      .exec()
      .catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const now = this.describe();
    const info: InstanceInfo = {
      id: this.instanceId,
      host: hostname(),
      pid: process.pid,
      role: now.role,
      dispatching: now.dispatching,
      working: now.working,
      started_at: this.startedAt,
      last_heartbeat: new Date().toISOString(),
      running_runs: now.running_runs,
    };
    await this.scripts.beat(this.instanceId, JSON.stringify(info));
  }

  /**
   * A failed beat is tried again every RETRY_MS until one is written, so the instance shows in
   * the status again (and its runs are not taken for orphans) as soon as Redis takes it; the
   * failure is logged once, and its end.
   */
  private beatLogged(): void {
    if (this.retryTimer || this.stopped) return;
    this.beat().then(
      () => {
        if (this.failures > 0)
          this.logger.info('Heartbeat written again', { failures: this.failures });
        this.failures = 0;
      },
      (error: unknown) => {
        if (++this.failures === 1) {
          this.logger.warn('Heartbeat failed; retrying', { error: (error as Error).message });
        }
        if (this.stopped) return;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.beatLogged();
        }, RETRY_MS);
      },
    );
  }
}

/** The instances whose heartbeat is fresh, oldest first; stale entries are removed. */
export async function liveInstances(redis: Redis): Promise<InstanceInfo[]> {
  const all = await redis.hgetall(keys.instances);
  const now = Date.now();
  const live: InstanceInfo[] = [];
  const dead: string[] = [];
  for (const [id, raw] of Object.entries(all)) {
    const info = JSON.parse(raw) as InstanceInfo;
    if (now - Date.parse(info.last_heartbeat) > INSTANCE_TTL_MS) dead.push(id);
    else live.push(info);
  }
  if (dead.length > 0) await redis.hdel(keys.instances, ...dead);
  return live.sort((a, b) => a.started_at.localeCompare(b.started_at));
}
