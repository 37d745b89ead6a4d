/**
 * `npm run dev:offline`: the app against the local Yahoo replay server, so a run completes
 * without internet: recorded answers where they cover the asked dates, else made-up daily bars
 * (stored with `"source": "synthetic"`, badged in the dashboard) for the symbols that
 * OFFLINE_SYNTHETIC allows: `listed` (default: well-known symbols and the recorded ones, so a
 * typo such as APPL fails), `any`, or `none` (recordings only).
 * Builds first when the production build is missing or older than the sources.
 *
 * Its data never mixes with the real mode's: it uses its own Redis (OFFLINE_REDIS_URL, default
 * port 6479, auto-started with its own `.data/redis-6479`), whatever REDIS_URL says.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LISTED_SYMBOLS } from '../src/replay/listed-symbols';
import { startReplayServer } from '../src/replay/replay-server';
import { buildIfStale } from './build-if-stale';

const root = path.resolve(import.meta.dirname, '..');
/** Not 6379: the real mode's Redis (the machine's, or the one `npm start` starts). */
const OFFLINE_REDIS_URL = process.env.OFFLINE_REDIS_URL ?? 'redis://127.0.0.1:6479';
const SYNTHETIC = { listed: LISTED_SYMBOLS, any: true, none: false } as const;
const mode = (process.env.OFFLINE_SYNTHETIC || 'listed') as keyof typeof SYNTHETIC;
if (!Object.hasOwn(SYNTHETIC, mode)) {
  console.error(`Invalid setting OFFLINE_SYNTHETIC (got "${mode}"): must be listed, any or none`);
  process.exit(1);
}
const built = buildIfStale(root);
if (built !== 0) process.exit(built);
const replay = await startReplayServer({ synthetic: SYNTHETIC[mode], latencyMs: 80 });
console.log(
  `Yahoo replay server on ${replay.url} (made-up bars: ${mode}); offline data in Redis at ${OFFLINE_REDIS_URL}`,
);
const app = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    YAHOO_BASE_URL: replay.url,
    REDIS_URL: OFFLINE_REDIS_URL,
  },
});
const stop = () => app.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
app.on('exit', (code) => {
  void replay.close().then(() => process.exit(code ?? 0));
});
