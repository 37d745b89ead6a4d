import type { Queue } from 'bullmq';
import type { Job, Run } from '~/domain/job-definition';
import type { ChannelStore, StoredChannel } from './channel-store';
import { deliveryId, type DeliveryStore } from './delivery-store';
import { buildMessage, type Notification, type NotifyEvent } from './messages';

/** What a queued delivery carries through BullMQ: the message, rendered once per event. */
export interface DeliveryJob {
  delivery_id: string;
  channel_id: string;
  notification: Notification;
}

export interface FanOutDeps {
  channels: ChannelStore;
  deliveries: DeliveryStore;
  queue: Queue<DeliveryJob>;
  getJob(jobId: string): Promise<Job | null>;
  getRun(runId: string): Promise<Run | null>;
  lastSuccess(jobId: string, exceptRunId: string | null): Promise<string | null>;
  publicUrl: string;
  zone: string;
  jobOptions(): Record<string, unknown>;
}

export function subscribed(channel: StoredChannel, event: NotifyEvent): boolean {
  if (event.channel_id !== undefined) return event.channel_id === channel.channel_id;
  if (!channel.events.includes(event.event)) return false;
  if (channel.job_ids === null || event.job_id === null) return true;
  const jobs = event.job_ids ?? [event.job_id];
  return jobs.some((j) => channel.job_ids!.includes(j));
}

/** The message of `event`, with the job and run as they are now. */
export async function notificationOf(event: NotifyEvent, deps: FanOutDeps): Promise<Notification> {
  const [job, run, lastSuccess] = await Promise.all([
    event.job_id ? deps.getJob(event.job_id) : null,
    event.run_id ? deps.getRun(event.run_id) : null,
    event.job_id ? deps.lastSuccess(event.job_id, event.run_id ?? null) : null,
  ]);
  const words = buildMessage(event, {
    job,
    run,
    lastSuccess,
    publicUrl: deps.publicUrl,
    zone: deps.zone,
  });
  return {
    event: event.event,
    event_id: event.event_id,
    occurred_at: event.occurred_at,
    ...words,
    job,
    run,
    // An event naming its own symbols (data.stale, analysis.signal) carries those.
    symbols: event.symbols ?? run?.symbols ?? null,
    ...(event.signal && { signal: event.signal }),
  };
}

/**
 * Turns one event into one delivery per subscribed channel. Safe to repeat for the same event
 * (a consumer that died before acknowledging it): the delivery id is a function of (event,
 * channel), its record is created only once, and BullMQ adds a job id it holds only once; a
 * delivery already done is not queued again.
 */
export async function fanOut(event: NotifyEvent, deps: FanOutDeps): Promise<string[]> {
  const channels = (await deps.channels.all()).filter((c) => subscribed(c, event));
  if (channels.length === 0) return [];
  const notification = await notificationOf(event, deps);
  const records = await Promise.all(
    channels.map((c) =>
      deps.deliveries.create({
        delivery_id: deliveryId(event.event_id, c.channel_id),
        channel_id: c.channel_id,
        event: event.event,
        event_id: event.event_id,
      }),
    ),
  );
  const pending = records.filter((r) => r.status === 'pending');
  await deps.queue.addBulk(
    pending.map((r) => ({
      name: r.event,
      data: { delivery_id: r.delivery_id, channel_id: r.channel_id, notification },
      opts: { jobId: r.delivery_id, ...deps.jobOptions() },
    })),
  );
  return records.map((r) => r.delivery_id);
}
