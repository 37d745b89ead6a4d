import type { Services } from '../../src/server/services';
import { waitFor } from './http';

/**
 * Waits until every notification event is fanned out and every delivery made so far is
 * delivered or failed, so a test can then assert that nothing more arrives.
 */
export async function deliveriesSettled(services: Services): Promise<void> {
  await waitFor('deliveries settled', async () => {
    const pending = await services.redis.xpending('scheduler:notify_events', 'notifiers');
    const list = await services.deliveries.list({ limit: 1000 });
    return Number(pending[0]) === 0 && list.length > 0 && list.every((d) => d.status !== 'pending');
  });
}
