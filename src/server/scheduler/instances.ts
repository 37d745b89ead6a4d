/**
 * Instance heartbeats: every scheduler process writes what it is and does into one hash every
 * couple of seconds, so the status page lists the live ones; an entry older than its TTL is a
 * process that died and is dropped by the next reader.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger';
import { keys } from '../keys';

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

const HEARTBEAT_MS = 2000;
const INSTANCE_TTL_MS = 10_000;

export class InstanceHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private soonTimer: NodeJS.Timeout | null = null;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    readonly instanceId: string,
    private readonly describe: () => Pick<
      InstanceInfo,
      'role' | 'dispatching' | 'working' | 'running_runs'
    >,
  ) {}

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
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    // Left behind, the entry drops out of the list after its TTL anyway.
    await this.redis.hdel(keys.instances, this.instanceId).catch(() => undefined);
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
    await this.redis.hset(keys.instances, this.instanceId, JSON.stringify(info));
  }

  /** A missed beat is retried by the next one; the instance shows as dead only after its TTL. */
  private beatLogged(): void {
    this.beat().catch((error: unknown) =>
      this.logger.debug('Heartbeat failed', { error: (error as Error).message }),
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
