/**
 * `npm run dev:offline`: the app against the local Yahoo replay server (recorded responses,
 * plus made-up daily bars for any other symbol), so a run completes without internet.
 * Builds first if there is no production build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startReplayServer } from '../src/replay/replay-server';

const root = path.resolve(import.meta.dirname, '..');
if (!existsSync(path.join(root, '.next/BUILD_ID'))) {
  const build = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const replay = await startReplayServer({ synthetic: true, latencyMs: 80 });
console.log(`Yahoo replay server on ${replay.url}`);
const app = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    YAHOO_BASE_URL: replay.url,
  },
});
const stop = () => app.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
app.on('exit', (code) => {
  void replay.close().then(() => process.exit(code ?? 0));
});
