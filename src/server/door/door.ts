import type { Services } from '../services';
import { allowedHostnames } from './site-checks';
import { AuditLog } from './audit-log';
import { LoginThrottle } from './login-throttle';
import { SessionStore } from './sessions';
import { TokenStore } from './tokens';
import { UserStore } from './users';

/** Accounts, sessions, tokens, throttling and the audit log of one process. */
export interface Door {
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  throttle: LoginThrottle;
  audit: AuditLog;
  allowedHosts: Set<string>;
}

const doors = new WeakMap<Services, Door>();

/** The door of a set of services, built on first use (tests' services get one too). */
export function doorOf(services: Services): Door {
  let door = doors.get(services);
  if (!door) {
    const { config, redis, logger } = services;
    door = {
      users: new UserStore(redis, services.connect),
      sessions: new SessionStore(redis, config.SESSION_TTL_SECONDS),
      tokens: new TokenStore(redis, (error) =>
        logger.warn('Could not record the last use of a token', { error }),
      ),
      throttle: new LoginThrottle(redis),
      audit: new AuditLog(redis, config.AUDIT_LOG_LIMIT),
      allowedHosts: allowedHostnames(config.ALLOWED_HOSTS, config.PUBLIC_URL),
    };
    doors.set(services, door);
  }
  return door;
}

/**
 * ADMIN_EMAIL and ADMIN_PASSWORD: the admin is created at start when no user has that
 * address. An existing account is left as it is (its password is not reset from the setting).
 */
export async function bootstrapAdmin(services: Services): Promise<void> {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password, ADMIN_NAME: name } = services.config;
  if (!email || !password) return;
  const { users, audit } = doorOf(services);
  if (await users.credentials(email)) {
    services.logger.info('Admin from ADMIN_EMAIL exists already; left unchanged', { email });
    return;
  }
  try {
    const user = await users.create({ email, name, role: 'admin', password });
    await audit.record({
      actor: { kind: 'local', id: 'local', name: 'ADMIN_EMAIL at start' },
      action: 'user.create',
      target: user.user_id,
      ip: '',
    });
    services.logger.info('Admin created from ADMIN_EMAIL', { email, user_id: user.user_id });
  } catch (error) {
    // Another process starting at the same moment created it: nothing left to do.
    if (await users.credentials(email)) return;
    throw error;
  }
}
