import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError } from 'zod';
import { JobInputError } from '../errors';
import { RedisStateError, redisTrouble } from '../redis-errors';
import { roleAllows, type Role } from '../door/actor';
import { auditActor } from '../door/audit-log';
import { doorOf } from '../door/door';
import type { Context } from './context';

/** What a procedure declares next to its definition: REST path, role rule, audit action. */
export interface Meta extends OpenApiMeta {
  /** The least role that may call it (set by viewerProcedure, editorProcedure, adminProcedure). */
  role?: Role;
  /**
   * The audit log's action for a successful mutation, e.g. `job.create`; `false` for a
   * mutation that changes nothing (a preview taking a POST body).
   */
  audit?: string | false;
}

/** `{ path: "stock_ids.0", message }` for each bad field: the shape REST errors carry too. */
export function issuesOf(error: unknown): { path: string; message: string }[] | undefined {
  if (error instanceof JobInputError) return [{ path: error.path, message: error.rule }];
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
  .meta<Meta>()
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

/**
 * Refuses a caller below the procedure's role rule. A procedure without a rule is admin-only
 * (fail closed) and fails the role-rule test, which names it.
 */
const roleGuard = t.middleware(({ ctx, meta, path, next }) => {
  const needs = meta?.role ?? 'admin';
  if (!ctx.actor)
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Sign in first or send an API token (Authorization: Bearer <token>)',
    });
  if (!roleAllows(ctx.actor.role, needs))
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `${path} needs the ${needs} role; this ${ctx.actor.kind} is ${ctx.actor.role}`,
    });
  return next();
});

const TARGET_FIELDS = ['job_id', 'channel_id', 'user_id', 'token_id'] as const;

/** The id of what a mutation changed: from its answer, else from its input. */
function targetOf(...sources: unknown[]): string {
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    for (const field of TARGET_FIELDS) {
      const value = (source as Record<string, unknown>)[field];
      if (typeof value === 'string') return value;
    }
  }
  return '';
}

/** Records each successful mutation that names an audit action, once it has succeeded. */
const auditTrail = t.middleware(async ({ ctx, meta, type, getRawInput, next }) => {
  const result = await next();
  if (type === 'mutation' && result.ok && meta?.audit) {
    await doorOf(ctx.services)
      .audit.record({
        actor: auditActor(ctx.actor),
        action: meta.audit,
        target: targetOf(result.data, await getRawInput().catch(() => undefined)),
        ip: ctx.ip,
      })
      .catch((error: unknown) =>
        ctx.services.logger.error('Could not write the audit log', { action: meta.audit, error }),
      );
  }
  return result;
});

const guarded = t.procedure.use(redisState).use(roleGuard).use(auditTrail);

/** Builds a router from procedures and sub-routers. */
export const router = t.router;
/** Any signed-in user or token (and the local machine while no account exists): reading. */
export const viewerProcedure = guarded.meta({ role: 'viewer' });
/** Editors and admins: jobs, runs, channels. */
export const editorProcedure = guarded.meta({ role: 'editor' });
/** Admins only: users, tokens, the audit log. */
export const adminProcedure = guarded.meta({ role: 'admin' });
/** Makes a server-side caller of a router, for tests and server code. */
export const createCallerFactory = t.createCallerFactory;
