/**
 * A scheduler process without the web part (`npm run worker`): it dispatches fire times and
 * executes runs against the same Redis as every other instance.
 */
import { boot, onShutdown } from './server/main';

const runtime = await boot('worker');
await runtime.services.startScheduler();
onShutdown(runtime.logger, () => runtime.close());
