/**
 * The Lua scripts as files: each has its header, names as many KEYS as its file name says,
 * every include resolves, the one door (src/server/redis/scripts.ts) loads them all, and no
 * TypeScript file holds Lua. Then, against a real Redis, each compiles, and the text edits of a
 * stored job's JSON (includes/job-json.lua) keep a hostile name intact.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INCLUDES_DIR,
  loadScript,
  SCRIPTS_DIR,
  scriptFiles,
} from '../src/server/redis/script-loader';
import { SCRIPT_FILES } from '../src/server/redis/script-commands';
import { startTestRedis, type TestRedis } from './support/redis-server';

const SRC = path.resolve(import.meta.dirname, '../src');
const read = (file: string) => readFileSync(file, 'utf8');
const includeFiles = () => readdirSync(INCLUDES_DIR).filter((f) => f.endsWith('.lua'));
const header = (source: string) => /^--\[\[\n([\s\S]*?)\n\]\]\n/.exec(source)?.[1] ?? null;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return tsFiles(file);
    return /\.tsx?$/.test(name) ? [file] : [];
  });
}

describe('Lua scripts as files', () => {
  it('every script opens with a header naming each of its KEYS, its ARGV and what it returns', () => {
    expect(scriptFiles().length).toBeGreaterThan(10);
    for (const file of scriptFiles()) {
      const source = read(path.join(SCRIPTS_DIR, file));
      const text = header(source);
      expect(text, `${file} opens with a --[[ ... ]] header`).not.toBeNull();
      const keyCount = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
      const named = [...text!.matchAll(/^\s*KEYS\[(\d+)\]/gm)].map((m) => Number(m[1]));
      expect(named, `${file} names KEYS[1..${keyCount}]`).toEqual(
        Array.from({ length: keyCount }, (_, i) => i + 1),
      );
      const body = source.slice(source.indexOf(']]'));
      const used = [...body.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
      expect(Math.max(0, ...used), `${file} uses no key beyond its count`).toBeLessThanOrEqual(
        keyCount,
      );
      const argv = [...body.matchAll(/ARGV\[(\d+)\]/g)].map((m) => Number(m[1]));
      for (const n of new Set(argv)) {
        expect(text, `${file} names ARGV[${n}]`).toMatch(
          new RegExp(`^\\s*ARGV\\[${n}\\] \\S`, 'm'),
        );
      }
      expect(text, `${file} says what it returns`).toMatch(/^\s*Returns \S/m);
    }
  });

  it('every include has a header and every include line resolves, each include used', () => {
    const used = new Set<string>();
    for (const file of [...scriptFiles(), ...includeFiles().map((f) => `includes/${f}`)]) {
      for (const m of read(path.join(SCRIPTS_DIR, file)).matchAll(/^--- @include "([^"]+)"$/gm)) {
        used.add(m[1]!);
      }
    }
    for (const file of includeFiles()) {
      expect(header(read(path.join(INCLUDES_DIR, file))), `${file} has a header`).not.toBeNull();
      expect(used, `includes/${file} is included somewhere`).toContain(file.replace(/\.lua$/, ''));
    }
    for (const file of scriptFiles()) {
      const { lua } = loadScript(file);
      expect(lua, `${file}: every include resolved`).not.toMatch(/@include/);
    }
    expect(() => loadScript('no-such-script.lua')).toThrow(/name-<number of keys>\.lua/);
  });

  it('the scripts module loads every script file, and no TypeScript file under src holds Lua', () => {
    expect(Object.values(SCRIPT_FILES).sort()).toEqual(scriptFiles());
    const withLua = tsFiles(SRC).filter((f) => read(f).includes('redis.call('));
    expect(withLua.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});

describe('Lua scripts in Redis', () => {
  let redis: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: false });
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('every script, includes resolved, compiles', async () => {
    for (const file of scriptFiles()) {
      const sha = (await client.script('LOAD', loadScript(file).lua)) as string;
      expect(sha, file).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('the job JSON edits change only the job own fields, whatever its name holds', async () => {
    const edits = read(path.join(INCLUDES_DIR, 'job-json.lua'));
    const name =
      'x","status":"pending","next_run":null,"last_run":null,"last_run_status":null,"y":"';
    const job = {
      job_id: 'j',
      name,
      status: 'pending',
      last_run: null,
      next_run: '2026-11-26T22:00:00.000Z',
      last_run_status: null,
    };
    const edited = (await client.eval(
      `${edits}\nreturn setRunStatus(setNextRun(ARGV[1], ARGV[2]), ARGV[3], ARGV[4])`,
      0,
      JSON.stringify(job),
      JSON.stringify('2026-11-27T22:00:00.000Z'),
      'failed',
      '2026-11-26T22:00:00.000Z',
    )) as string;
    expect(JSON.parse(edited)).toEqual({
      ...job,
      status: 'failed',
      next_run: '2026-11-27T22:00:00.000Z',
      last_run: '2026-11-26T22:00:00.000Z',
      last_run_status: 'failed',
    });
    const stopped = (await client.eval(
      `${edits}\nreturn setNextRun(ARGV[1], 'null')`,
      0,
      edited,
    )) as string;
    expect(JSON.parse(stopped)).toEqual({ ...JSON.parse(edited), next_run: null });
  });
});
