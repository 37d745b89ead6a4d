/**
 * `npm start` rebuilds only when a source is newer than the last complete build: checked on a
 * real directory tree with real modification times, and by running the script as `npm start`
 * does, in a copy of the project layout whose build is current.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  readFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildNeeded } from '../scripts/build-if-stale';
import { ROOT } from './support/app-server';

/** tsx by path: the temporary tree has no node_modules. */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
let root: string;
const at = (file: string, seconds: number) => {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, file.endsWith('.json') ? '{"type":"module"}' : file);
  utimesSync(full, seconds, seconds);
};

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'stock-scheduler-build-'));
  at('package.json', 1000);
  at('src/app/page.tsx', 1000);
  at('src/server/market-data/yahoo.ts', 1000);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build-if-stale', () => {
  it('builds when there is no build', () => {
    expect(buildNeeded(root)).toBe('no production build yet');
  });

  it('skips the build when BUILD_ID is newer than every source', () => {
    at('.next/BUILD_ID', 2000);
    expect(buildNeeded(root)).toBeNull();
  });

  it('builds when a file deep in src changed after the build', () => {
    at('.next/BUILD_ID', 2000);
    at('src/server/market-data/yahoo.ts', 3000);
    expect(buildNeeded(root)).toBe(
      `${path.join('src/server/market-data/yahoo.ts')} changed after the last build`,
    );
  });

  it('builds after npm install changed the lock file, or a new file appeared', () => {
    at('.next/BUILD_ID', 2000);
    at('package-lock.json', 2500);
    expect(buildNeeded(root)).toMatch(/^package-lock\.json changed/);
    at('package-lock.json', 1500);
    at('public/logo.svg', 2500);
    expect(buildNeeded(root)).toMatch(/^public.logo\.svg changed/);
  });

  it('a lock file rewritten by npm install with the same content is no change', () => {
    at('package-lock.json', 1000);
    at('.next/BUILD_ID', 2000);
    writeFileSync(
      path.join(root, '.next/package-lock.sha256'),
      createHash('sha256')
        .update(readFileSync(path.join(root, 'package-lock.json')))
        .digest('hex'),
    );
    // npm install: same bytes, new time.
    at('package-lock.json', 3000);
    expect(buildNeeded(root)).toBeNull();
    writeFileSync(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    expect(buildNeeded(root)).toMatch(/^package-lock\.json changed/);
  });

  it('ignores what is not a source (tests, docs, the data directory)', () => {
    at('.next/BUILD_ID', 2000);
    at('test/foo.test.ts', 3000);
    at('docs/x.md', 3000);
    at('.data/redis-6379/appendonly.aof', 3000);
    expect(buildNeeded(root)).toBeNull();
  });

  it('the script, run as npm start runs it, says it skips and exits 0 without building', () => {
    // A copy of the script in a tree whose build is current: `next build` cannot run there
    // (no node_modules), so exit 0 means it was not run, and a stale tree tries and fails.
    at('.next/BUILD_ID', 2000);
    mkdirSync(path.join(root, 'scripts'));
    copyFileSync(
      path.join(ROOT, 'scripts/build-if-stale.ts'),
      path.join(root, 'scripts/build-if-stale.ts'),
    );
    const script = () =>
      spawnSync(process.execPath, ['--import', TSX, 'scripts/build-if-stale.ts'], {
        cwd: root,
        encoding: 'utf8',
      });
    const run = script();
    expect(run.stdout).toMatch(/Build is up to date/);
    expect(run.status).toBe(0);

    at('src/app/page.tsx', 3000);
    const stale = script();
    expect(stale.stdout).toMatch(/Building the dashboard: src.app.page\.tsx changed/);
    expect(stale.status).not.toBe(0);
  });
});
