/**
 * The Yahoo replay server on its own: `tsx scripts/replay-server.ts --port 8002 --synthetic --latency 100`.
 */
import { parseArgs } from 'node:util';
import { startReplayServer } from '../src/replay/replay-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8002' },
    synthetic: { type: 'boolean', default: false },
    latency: { type: 'string', default: '0' },
  },
});
const server = await startReplayServer({
  port: Number(values.port),
  synthetic: values.synthetic,
  latencyMs: Number(values.latency),
});
console.log(
  `Yahoo replay server on ${server.url} (synthetic bars: ${values.synthetic ? 'on' : 'off'})`,
);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
