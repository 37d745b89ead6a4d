import { initTRPC } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError } from 'zod';
import { RedisStateError, redisTrouble } from '../redis-errors';
import type { Context } from './context';

/** `{ path: "stock_ids.0", message }` for each bad field: the shape REST errors carry too. */
export function issuesOf(error: unknown): { path: string; message: string }[] | undefined {
  if (!(error instanceof ZodError)) return undefined;
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** One line naming every bad field and its rule, e.g. `stock_ids.0: "A B" is not a valid symbol`. */
export function summariseIssues(issues: { path: string; message: string }[]): string {
  return `Invalid input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`;
}

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const issues = issuesOf(error.cause);
      return {
        ...shape,
        message: issues ? summariseIssues(issues) : shape.message,
        data: {
          ...shape.data,
          issues: issues ?? null,
          ...(error instanceof RedisStateError && { redis: error.trouble }),
        },
      };
    },
  });

/**
 * Redis down or full is the service's state, not a bug: a procedure that met it answers 503
 * "Redis is not reachable" or 507 "Redis is out of memory" (RedisStateError), never a raw 500
 * with a script error. The request connection fails fast, so this comes at once.
 */
const redisState = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && !(result.error instanceof RedisStateError)) {
    const trouble = redisTrouble(result.error.cause ?? result.error);
    if (trouble) throw new RedisStateError(trouble, result.error.cause ?? result.error);
  }
  return result;
});

/** Builds a router from procedures and sub-routers. */
export const router = t.router;
/** A procedure anyone may call: this service has no accounts; put it behind your own proxy. */
export const publicProcedure = t.procedure.use(redisState);
/** Makes a server-side caller of a router, for tests and server code. */
export const createCallerFactory = t.createCallerFactory;
