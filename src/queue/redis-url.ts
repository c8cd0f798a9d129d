// FLAREWATCH_QUEUE: `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS) turned into
// ioredis options, and the same URL with the password masked, for logs, /healthz and errors.
import type { RedisOptions } from 'ioredis';
import { UserError } from '../core/errors.js';

const HINT = 'e.g. FLAREWATCH_QUEUE=redis://127.0.0.1:6379/0 (redis://:PASSWORD@host:port/db with a password, rediss:// for TLS)';

export function redisOptionsFromUrl(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`FLAREWATCH_QUEUE '${redactRedisUrl(url)}' is not a URL`, HINT);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UserError(`FLAREWATCH_QUEUE must be a redis:// URL, not ${u.protocol}//`, HINT);
  const dbPath = u.pathname.replace(/^\//, '');
  if (dbPath && !/^\d{1,2}$/.test(dbPath)) throw new UserError(`FLAREWATCH_QUEUE: database '${dbPath}' is not a number`, HINT);
  const port = u.port ? Number(u.port) : 6379;
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    db: dbPath ? Number(dbPath) : 0,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
  };
}

/** The URL without its password (`redis://:***@host:6379/0`), safe to show. */
export function redactRedisUrl(url: string): string {
  const masked = url.replace(/^([a-z]+:\/\/)([^@/]*):([^@/]*)@/i, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
  // not URL-shaped (a typo) but with credentials in it: hide everything before the host
  return masked === url && url.includes('@') ? `***@${url.slice(url.lastIndexOf('@') + 1)}` : masked;
}
