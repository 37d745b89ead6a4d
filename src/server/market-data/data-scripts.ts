/**
 * The market-data Lua scripts of `scripts/` (named `<name>-<number of keys>.lua`, as in
 * BullMQ), defined on a connection with ioredis `defineCommand` (EVALSHA, reloaded when Redis
 * forgot it). This is the only place that calls them; the stores build their arguments.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

const DIR = path.join(import.meta.dirname, 'scripts');

const FILES = {
  seriesMerge: 'series-merge-3.lua',
  recordSave: 'record-save-2.lua',
} as const;

type Command = keyof typeof FILES;

const SCRIPTS = Object.fromEntries(
  Object.entries(FILES).map(([name, file]) => {
    const keysInName = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
    return [
      name,
      { file, numberOfKeys: keysInName, lua: readFileSync(path.join(DIR, file), 'utf8') },
    ];
  }),
) as Record<Command, { file: string; numberOfKeys: number; lua: string }>;

const defined = new WeakSet<Redis>();

/** Runs script `name` with `keyList` and `argv` (strings or binary buffers). */
export async function runDataScript(
  redis: Redis,
  name: Command,
  keyList: string[],
  argv: (string | Buffer)[],
): Promise<unknown> {
  const script = SCRIPTS[name];
  if (keyList.length !== script.numberOfKeys) {
    throw new Error(`${script.file} takes ${script.numberOfKeys} keys, got ${keyList.length}`);
  }
  if (!defined.has(redis)) {
    for (const [command, s] of Object.entries(SCRIPTS)) {
      redis.defineCommand(command, { numberOfKeys: s.numberOfKeys, lua: s.lua });
    }
    defined.add(redis);
  }
  const command = (redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
    name
  ]!;
  return command.call(redis, ...keyList, ...argv);
}
