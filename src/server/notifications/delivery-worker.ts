import { UnrecoverableError, type Job as BullJob } from 'bullmq';
import type { Logger } from '../logger';
import { processMetrics } from '../metrics/process-metrics';
import type { SendOutcome } from './adapters/outcome';
import { sendWebhook } from './adapters/webhook';
import type { EmailSender } from './adapters/email';
import type { ChannelStore } from './channel-store';
import type { DeliveryStore } from './delivery-store';
import type { DeliveryJob } from './fan-out';

/** No single wait between attempts is longer than this, however many attempts came before. */
const MAX_BACKOFF_MS = 3600_000;

/** The wait before attempt `attemptsMade + 1`: exponential from NOTIFY_BACKOFF_MS, capped. */
export function backoffDelay(attemptsMade: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), MAX_BACKOFF_MS);
}

export interface DeliveryWorkerDeps {
  channels: ChannelStore;
  deliveries: DeliveryStore;
  email: EmailSender;
  logger: Logger;
  instanceId: string;
  backoffMs: number;
  retryWindowMs: number;
  timeoutMs: number;
}

/**
 * One attempt of one delivery, as a BullMQ processor. A failure worth retrying throws, and
 * BullMQ brings the delivery back after `backoffDelay`; one that is final (refused, or the next
 * attempt would fall after NOTIFY_RETRY_HOURS) throws UnrecoverableError, so it fails at once.
 * The record is checked first: a delivery already done is never sent again.
 */
export async function attemptDelivery(
  bull: BullJob<DeliveryJob>,
  deps: DeliveryWorkerDeps,
): Promise<string> {
  const { delivery_id: id, channel_id: channelId, notification } = bull.data;
  const record = await deps.deliveries.get(id);
  if (!record) return 'record expired';
  if (record.status !== 'pending') return `already ${record.status}`;
  const channel = await deps.channels.get(channelId);
  if (!channel) {
    await deps.deliveries.attemptFailed(id, {
      error: 'the channel was deleted',
      response_status: null,
      final: true,
    });
    throw new UnrecoverableError('the channel was deleted');
  }
  const attempt = await deps.deliveries.attemptStarted(id, deps.instanceId);
  let outcome: SendOutcome;
  try {
    outcome =
      channel.kind === 'webhook'
        ? await sendWebhook(
            { url: channel.url ?? '', format: channel.format ?? 'json', secret: channel.secret },
            notification,
            { timeoutMs: deps.timeoutMs },
          )
        : await deps.email.send(channel.to ?? [], notification);
  } catch (error) {
    outcome = { ok: false, retry: true, status: null, error: (error as Error).message };
  }
  const metric = processMetrics().notifications;
  if (outcome.ok) {
    await deps.deliveries.delivered(id, outcome.status);
    await deps.channels.recordAttempt(channelId, { ok: true });
    metric.inc({ kind: channel.kind, outcome: 'delivered' });
    return 'delivered';
  }
  const next = Date.now() + backoffDelay(bull.attemptsMade + 1, deps.backoffMs);
  const expired = next - Date.parse(record.created_at) > deps.retryWindowMs;
  const final = !outcome.retry || expired;
  const error =
    outcome.retry && expired
      ? `${outcome.error} (gave up after ${attempt} attempts)`
      : outcome.error;
  await deps.deliveries.attemptFailed(id, { error, response_status: outcome.status, final });
  await deps.channels.recordAttempt(channelId, { ok: false, error, final });
  metric.inc({ kind: channel.kind, outcome: final ? 'failed' : 'retry' });
  // The channel's name and the error, never its URL's secret parts or the body sent.
  deps.logger.warn(final ? 'Notification failed' : 'Notification attempt failed, will retry', {
    delivery_id: id,
    channel_id: channelId,
    channel: channel.name,
    event: notification.event,
    attempt,
    error,
  });
  if (final) throw new UnrecoverableError(error);
  throw new Error(error);
}
