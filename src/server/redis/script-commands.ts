/**
 * The scripts of `scripts/` as ioredis commands: every file is read once per process (a missing
 * include fails at start, naming the file) and defined on a connection with `defineCommand`
 * (EVALSHA, reloaded by ioredis when Redis forgot it). The typed functions that call them live
 * in scripts.ts (jobs, fires, runs) and market-data-scripts.ts; nothing else calls a script.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { loadScript, type LoadedScript } from './script-loader';

const FILES = {
  jobCreate: 'job-create-5.lua',
  jobCas: 'job-cas-4.lua',
  jobDelete: 'job-delete-7.lua',
  fireClaim: 'fire-claim-7.lua',
  fireDrop: 'fire-drop-1.lua',
  runSave: 'run-save-3.lua',
  runRecord: 'run-record-12.lua',
  runBegin: 'run-begin-6.lua',
  runOrphanClaim: 'run-orphan-claim-4.lua',
  instanceBeat: 'instance-beat-2.lua',
  runLockRenew: 'run-lock-renew-1.lua',
  runLockRelease: 'run-lock-release-1.lua',
  fetchLockAcquire: 'fetch-lock-acquire-1.lua',
  fetchLockRenew: 'fetch-lock-renew-1.lua',
  fetchLockRelease: 'fetch-lock-release-1.lua',
  fetchLockFinish: 'fetch-lock-finish-2.lua',
  providerPace: 'provider-pace-1.lua',
  recordSave: 'record-save-2.lua',
  seriesMerge: 'series-merge-3.lua',
  analysisSave: 'analysis-save-4.lua',
  missedSweep: 'missed-sweep-2.lua',
} as const;

export type Command = keyof typeof FILES;

const SCRIPTS = Object.fromEntries(
  Object.entries(FILES).map(([name, file]) => [name, loadScript(file)]),
) as Record<Command, LoadedScript>;

/** Every script's command name and file, for the tests. */
export const SCRIPT_FILES: Readonly<Record<Command, string>> = FILES;

const defined = new WeakSet<Redis>();

/** Defines every script on `redis` (once); its pipelines then have them too. */
export function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  defined.add(redis);
}

/**
 * Calls `name` on a connection (a promise of its reply) or queues it on a pipeline. KEYS must be
 * as many as the file's name says.
 */
export function invoke(
  target: Redis | ChainableCommander,
  name: Command,
  keyList: string[],
  argv: (string | Buffer)[],
): unknown {
  const script = SCRIPTS[name];
  if (keyList.length !== script.numberOfKeys) {
    throw new Error(`${script.file} takes ${script.numberOfKeys} keys, got ${keyList.length}`);
  }
  const command = (target as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
  if (typeof command !== 'function') throw new Error(`${script.file} is not defined here`);
  return command.call(target, ...keyList, ...argv);
}
