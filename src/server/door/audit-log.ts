/**
 * The audit log: one JSON entry per change or sign-in, newest first, in a Redis list capped
 * at AUDIT_LOG_LIMIT entries (LPUSH and LTRIM in one transaction).
 */
import type { Redis } from 'ioredis';
import { keys } from '../keys';
import type { Actor } from './actor';

export interface AuditEntry {
  at: string;
  actor: { kind: Actor['kind'] | 'anonymous'; id: string; name: string };
  action: string;
  target: string;
  ip: string;
}

export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
  ) {}

  async record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const line: AuditEntry = { at: new Date().toISOString(), ...entry };
    await this.redis
      .multi()
      .lpush(keys.audit, JSON.stringify(line))
      .ltrim(keys.audit, 0, this.limit - 1)
      .exec();
  }

  async list(limit: number): Promise<AuditEntry[]> {
    const rows = await this.redis.lrange(keys.audit, 0, limit - 1);
    return rows.map((row) => JSON.parse(row) as AuditEntry);
  }
}

/** The actor as an audit entry names it: no e-mail, no role, nothing secret. */
export const auditActor = (actor: Actor | null): AuditEntry['actor'] =>
  actor
    ? { kind: actor.kind, id: actor.id, name: actor.name }
    : { kind: 'anonymous', id: '', name: '' };
