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

/**
 * Waits until the notifiers' consumer group has read and acknowledged every event in the
 * stream, whether or not it made deliveries of them, so a test can assert that none was made.
 */
export async function eventsConsumed(services: Services): Promise<void> {
  await waitFor('notification events consumed', async () => {
    const groups = (await services.redis.xinfo('GROUPS', 'scheduler:notify_events')) as unknown[][];
    const group = groups
      .map((g) => g.map(String))
      .find((g) => g[g.indexOf('name') + 1] === 'notifiers');
    if (!group) return false;
    const last = group[group.indexOf('last-delivered-id') + 1];
    const [newest] = await services.redis.xrevrange(
      'scheduler:notify_events',
      '+',
      '-',
      'COUNT',
      1,
    );
    const pending = group[group.indexOf('pending') + 1];
    return newest !== undefined && last === newest[0] && pending === '0';
  });
}
