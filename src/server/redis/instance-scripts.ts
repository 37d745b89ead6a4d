/**
 * The typed door to the scripts of instances and their runs' recovery: heartbeats
 * (instance-beat-2.lua) and the claim of a run left running by an instance that is gone
 * (run-orphan-claim-4.lua). Like scripts.ts, the only place that builds their KEYS and ARGV.
 */
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import { defineScripts, invoke, type Command } from './script-commands';

export class InstanceScripts {
  constructor(private readonly redis: Redis) {
    defineScripts(redis);
  }

  private call<T>(name: Command, keyList: string[], argv: string[]): Promise<T> {
    return invoke(this.redis, name, keyList, argv) as Promise<T>;
  }

  /**
   * Takes over a run left running by an instance gone for `goneAfterMs` whose lock expired
   * (run-orphan-claim-4.lua): 'claimed' (record its end now), 'kept' or 'dropped' (over).
   */
  async claimOrphanRun(claim: {
    runId: string;
    jobId: string;
    instanceId: string;
    goneAfterMs: number;
    lockMs: number;
  }): Promise<'claimed' | 'kept' | 'dropped'> {
    const result = await this.call<number>(
      'runOrphanClaim',
      [keys.runningRuns, keys.instanceBeats, keys.run(claim.runId), keys.jobLock(claim.jobId)],
      [claim.runId, claim.instanceId, String(claim.goneAfterMs), String(claim.lockMs), claim.jobId],
    );
    return result === 1 ? 'claimed' : result === -1 ? 'dropped' : 'kept';
  }

  /** Writes an instance's heartbeat, also while Redis is at maxmemory (instance-beat-2.lua). */
  async beat(instanceId: string, json: string): Promise<void> {
    await this.call<number>(
      'instanceBeat',
      [keys.instances, keys.instanceBeats],
      [instanceId, json],
    );
  }
}
