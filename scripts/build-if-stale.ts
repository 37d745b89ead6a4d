/**
 * The first half of `npm start`: runs `next build` only when the production build is missing or
 * older than a file it is built from, so a second `npm start` serves at once instead of spending
 * ~18 s rebuilding what has not changed. The build's own `.next/BUILD_ID` is written last, so
 * its mtime is when a complete build finished; an interrupted build leaves the old one (or none).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the pages are built from: edits here (or `git pull`, `npm install`) need a build. */
const SOURCES = [
  'src',
  'public',
  'next.config.mjs',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
  '.env',
  '.env.production',
];
/**
 * `npm install` rewrites package-lock.json on every run, even with nothing to install, so its
 * time says nothing: a build made here records the lock's hash, and a lock newer than the build
 * but with that hash is unchanged.
 */
const LOCK = 'package-lock.json';
const LOCK_STAMP = '.next/package-lock.sha256';

function lockHash(root: string): string {
  const lock = path.join(root, LOCK);
  return existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : '';
}

function lockUnchanged(root: string): boolean {
  const stamp = path.join(root, LOCK_STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash(root);
}

function newestFile(file: string): { file: string; mtimeMs: number } | null {
  if (!existsSync(file)) return null;
  const stat = statSync(file);
  if (!stat.isDirectory()) return { file, mtimeMs: stat.mtimeMs };
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(file)) {
    const found = newestFile(path.join(file, entry));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

/** Why `root` needs a build, or null when `.next/BUILD_ID` is newer than every source file. */
export function buildNeeded(root: string): string | null {
  const buildId = path.join(root, '.next/BUILD_ID');
  if (!existsSync(buildId)) return 'no production build yet';
  const builtAt = statSync(buildId).mtimeMs;
  for (const source of SOURCES) {
    const newest = newestFile(path.join(root, source));
    if (source === LOCK && lockUnchanged(root)) continue;
    if (newest && newest.mtimeMs > builtAt) {
      return `${path.relative(root, newest.file)} changed after the last build`;
    }
  }
  return null;
}

/** Builds `root` when it needs it (saying why, or that it does not); the build's exit status. */
export function buildIfStale(root: string): number {
  const reason = buildNeeded(root);
  if (reason === null) {
    console.log('Build is up to date (.next/BUILD_ID is newer than every source): not rebuilding');
    return 0;
  }
  console.log(`Building the dashboard: ${reason}`);
  // The project's own Next, never one npx would download.
  const build = spawnSync(path.join(root, 'node_modules/.bin/next'), ['build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (build.error) console.error(`Could not run next build: ${build.error.message}`);
  if (build.status === 0) writeFileSync(path.join(root, LOCK_STAMP), lockHash(root));
  return build.status ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exit(buildIfStale(path.resolve(import.meta.dirname, '..')));
}
