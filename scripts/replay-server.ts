/**
 * The Yahoo replay server on its own, for offline development and demos:
 *
 *   tsx scripts/replay-server.ts --port 8002 --synthetic --latency 100
 *   YAHOO_BASE_URL=http://127.0.0.1:8002 npm run dev
 */
import { parseArgs } from 'node:util';
import { startReplayServer } from '../src/replay/replay-server';

const usage = `usage: tsx scripts/replay-server.ts [--port 8002] [--host 127.0.0.1] [--synthetic]
       [--latency MS] [--fixtures DIR] [--unknown SYM,SYM]
  --synthetic   make up daily bars for symbols without a recording (else 404 like Yahoo)
  --latency     delay every answer by MS milliseconds
  --fixtures    recordings directory (default: $YAHOO_FIXTURES_DIR or test/fixtures/yahoo-chart)
  --unknown     symbols answered 404 even with --synthetic`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8002' },
      host: { type: 'string', default: '127.0.0.1' },
      synthetic: { type: 'boolean', default: false },
      latency: { type: 'string', default: '0' },
      fixtures: { type: 'string' },
      unknown: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be 0..65535, got ${values.port}`);
const latencyMs = Number(values.latency);
if (!Number.isFinite(latencyMs) || latencyMs < 0)
  fail(`--latency must be >= 0 ms, got ${values.latency}`);

const server = await startReplayServer({
  port,
  host: values.host,
  synthetic: values.synthetic,
  latencyMs,
  ...(values.fixtures !== undefined && { fixturesDir: values.fixtures }),
  ...(values.unknown !== undefined && {
    unknownSymbols: values.unknown.split(',').filter(Boolean),
  }),
}).catch((error: unknown) => fail((error as Error).message));

console.log(server.url);
console.error(
  `Yahoo replay server listening on ${server.url}: recordings for ${server.recordings.join(', ') || 'no symbol'}; ` +
    `synthetic bars ${values.synthetic ? 'on' : 'off'}; latency ${latencyMs} ms. ` +
    `Point the app at it with YAHOO_BASE_URL=${server.url}`,
);

const stop = () => {
  const { total, maxPerSecond } = server.stats;
  console.error(`served ${total} requests (at most ${maxPerSecond} in one second)`);
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
