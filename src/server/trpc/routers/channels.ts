import { TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import { count } from '~/domain/count';
import {
  channelCreateSchema,
  channelIdSchema,
  channelSchema,
  channelUpdateFields,
  deliverySchema,
} from '~/domain/notifications';
import {
  ChannelNotFoundError,
  publicView,
  type StoredChannel,
} from '../../notifications/channel-store';
import type { Services } from '../../services';
import { editorProcedure, router } from '../trpc';

const byId = z.object({ channel_id: channelIdSchema });
const ack = z.object({ message: z.string(), channel_id: z.string() });

/**
 * The store's errors as tRPC's: an unknown channel is a 404; a ZodError (an unknown job id,
 * or an edit whose result breaks a rule) is a 400 whose issues name the fields.
 */
async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ChannelNotFoundError) {
      throw new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
    }
    if (error instanceof ZodError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
    }
    throw error;
  }
}

/** Channels as answers show them: every secret dropped by `publicView`, health beside. */
async function views(services: Services, list: StoredChannel[]) {
  const health = await services.channels.health(list.map((c) => c.channel_id));
  return list.map((c) => publicView(c, health.get(c.channel_id)));
}

export const channelsRouter = router({
  // Editors only, reading too: a webhook URL (Slack's) is itself a credential.
  list: editorProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/channels',
        tags: ['notifications'],
        summary: 'Notification channels (secrets are never returned, only has_secret)',
      },
    })
    .input(z.object({}).optional())
    .output(z.object({ channels: z.array(channelSchema) }))
    .query(async ({ ctx }) => ({
      channels: await views(ctx.services, await ctx.services.channels.all()),
    })),

  create: editorProcedure
    .meta({
      audit: 'channel.create',
      openapi: {
        method: 'POST',
        path: '/scheduler/channels',
        tags: ['notifications'],
        summary: 'Create a webhook or e-mail channel',
      },
    })
    .input(channelCreateSchema)
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      const channel = await orNotFound(ctx.services.channels.create(input));
      return { message: 'Channel created successfully', channel_id: channel.channel_id };
    }),

  update: editorProcedure
    .meta({
      audit: 'channel.update',
      openapi: {
        method: 'PUT',
        path: '/scheduler/channels/{channel_id}',
        tags: ['notifications'],
        summary: 'Change any fields of a channel; "secret": null removes the secret',
      },
    })
    .input(z.strictObject({ channel_id: channelIdSchema, ...channelUpdateFields.shape }))
    .output(ack.extend({ channel: channelSchema }))
    .mutation(async ({ ctx, input }) => {
      const { channel_id, ...patch } = input;
      const channel = await orNotFound(ctx.services.channels.update(channel_id, patch));
      const [view] = await views(ctx.services, [channel]);
      return { message: 'Channel updated successfully', channel_id, channel: view! };
    }),

  delete: editorProcedure
    .meta({
      audit: 'channel.delete',
      openapi: {
        method: 'DELETE',
        path: '/scheduler/channels/{channel_id}',
        tags: ['notifications'],
        summary: 'Delete a channel',
      },
    })
    .input(byId)
    .output(ack)
    .mutation(async ({ ctx, input }) => {
      await orNotFound(ctx.services.channels.delete(input.channel_id));
      return { message: 'Channel deleted successfully', channel_id: input.channel_id };
    }),

  test: editorProcedure
    .meta({
      audit: 'channel.test',
      openapi: {
        method: 'POST',
        path: '/scheduler/channels/{channel_id}/test',
        tags: ['notifications'],
        summary: 'Queue a test notification to the channel',
      },
    })
    .input(byId)
    .output(z.object({ message: z.string(), delivery_id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const channel = await orNotFound(ctx.services.channels.getOrThrow(input.channel_id));
      const deliveryId = await ctx.services.notifier.sendTest(channel);
      return { message: 'Test notification queued', delivery_id: deliveryId };
    }),
});

export const deliveriesRouter = router({
  // Editors only, reading too: a webhook URL (Slack's) is itself a credential.
  list: editorProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/scheduler/deliveries',
        tags: ['notifications'],
        summary: 'Deliveries, newest first, with attempts, last error and response status',
      },
    })
    .input(
      z
        .object({
          channel_id: channelIdSchema.optional(),
          limit: count(1, 1000).optional(),
        })
        .optional(),
    )
    .output(z.object({ deliveries: z.array(deliverySchema) }))
    .query(async ({ ctx, input }) => ({
      deliveries: await ctx.services.deliveries.list({
        ...(input?.channel_id !== undefined && { channelId: input.channel_id }),
        limit: input?.limit ?? 50,
      }),
    })),
});
