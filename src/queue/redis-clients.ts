// ioredis clients for the queue, one per use, so that each gets the options its use needs:
// - 'bullmq': BullMQ's Queue/Worker connections (maxRetriesPerRequest null, as BullMQ requires);
//   a producer in the monitor passes failFast, so adding a job while Redis is down fails at once
//   instead of waiting in ioredis's offline queue;
// - 'commands': short commands (host slots, heartbeats, stats) with a command timeout.
// Connection errors are logged once, then at most once a minute, and a reconnect is logged.
// Every client remembers its last connection error, which /healthz shows.
import { Redis } from 'ioredis';
import { redactRedisUrl, redisOptionsFromUrl } from './redis-url.js';

export type QueueLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface RedisClientOptions {
  url: string;
  /** what the connection is for, in its CLIENT name and in log lines */
  name: string;
  use: 'bullmq' | 'commands';
  /** commands fail at once while disconnected instead of waiting for the reconnect */
  failFast?: boolean;
  log: QueueLog;
  /** ms to wait for a connection (default 5000) */
  connectTimeoutMs?: number;
}

export interface TrackedRedis {
  client: Redis;
  /** the last connection error, cleared when connected again */
  lastError(): string | null;
  ready(): boolean;
  /** disconnect without waiting (closing never hangs on an unreachable server) */
  close(): void;
}

const LOG_EVERY_MS = 60_000;

export function createRedisClient(o: RedisClientOptions): TrackedRedis {
  const shown = redactRedisUrl(o.url);
  const client = new Redis({
    ...redisOptionsFromUrl(o.url),
    connectionName: `flarewatch-${o.name}`,
    connectTimeout: o.connectTimeoutMs ?? 5000,
    // reconnect for ever, a little slower each time, at most every 5 s
    retryStrategy: (times: number) => Math.min(250 * times, 5000),
    maxRetriesPerRequest: o.use === 'bullmq' ? null : 1,
    enableOfflineQueue: !o.failFast,
    ...(o.use === 'commands' ? { commandTimeout: 3000 } : {}),
  });
  let lastError: string | null = null;
  let loggedAt = 0;
  client.on('error', (e: Error) => {
    lastError = e.message || e.name;
    const t = Date.now();
    if (t - loggedAt >= LOG_EVERY_MS) {
      loggedAt = t;
      o.log('warn', `queue: Redis at ${shown} (${o.name}): ${lastError}`);
    }
  });
  client.on('ready', () => {
    if (lastError) o.log('info', `queue: Redis at ${shown} (${o.name}) reachable again`);
    lastError = null;
    loggedAt = 0;
  });
  return {
    client,
    lastError: () => lastError,
    ready: () => client.status === 'ready',
    close: () => client.disconnect(),
  };
}
