/**
 * The custom server: one node:http server on PORT serving the dashboard (Next.js), tRPC, REST
 * and health, with the scheduler running beside them unless SCHEDULER_ENABLED=false.
 */
import { createServer } from 'node:http';
import next from 'next';
import { bootstrapAdmin } from './src/server/door/door';
import { createAppHandler } from './src/server/http/app-handler';
import { listen, reachableUrls } from './src/server/http/listen';
import { httpServerOptions } from './src/server/http/timeouts';
import { boot, onShutdown } from './src/server/main';

const runtime = await boot('server');
const { config, logger, services } = runtime;

const dev = config.NODE_ENV !== 'production';
const nextApp = next({ dev, dir: import.meta.dirname, hostname: config.HOST, port: config.PORT });
await nextApp.prepare();
const nextHandler = nextApp.getRequestHandler();

await bootstrapAdmin(services);
const server = createServer(
  httpServerOptions(config),
  createAppHandler(services, (req, res) => nextHandler(req, res), { dev }),
);

// Listen first: a process that cannot have its port (EADDRINUSE) exits before it joins the
// scheduler, instead of running jobs behind another process's port.
try {
  await listen(server, config.PORT, config.HOST);
} catch (error) {
  logger.error((error as Error).message);
  await runtime.close().catch(() => undefined);
  process.exit(1);
}
const urls = reachableUrls(config.HOST, config.PORT);
logger.info(`Stock Scheduler listening on ${urls.join(' and ')}`, { urls });

if (config.SCHEDULER_ENABLED) await services.startScheduler();
else logger.info('Scheduler disabled (SCHEDULER_ENABLED=false): serving web and API only');

onShutdown(logger, async () => {
  server.close();
  server.closeIdleConnections();
  await runtime.close();
  setTimeout(() => server.closeAllConnections(), 1000).unref();
});
