// Worker liveness: each worker keeps a key `flarewatch:worker:<id>` (host, pid, start, jobs done)
// that expires `ttlMs` after its last renewal (every third of it). A worker killed with -9 drops
// out of the count within ttlMs; one that stops cleanly deletes its key. The monitor counts the
// keys (SCAN) for /metrics and /healthz.
import type { Redis } from 'ioredis';
import { KEY_PREFIX, heartbeatKey } from './crawl-jobs.js';

export interface WorkerInfo { id: string; host: string; pid: number; startedAt: string; jobs: number; concurrency: number }

export const DEFAULT_HEARTBEAT_TTL_MS = 30_000;

export interface Heartbeat {
  /** renew now (also after each job, so `jobs` is current) */
  beat(): Promise<void>;
  stop(): Promise<void>;
}

export function startHeartbeat(redis: Redis, info: () => WorkerInfo, ttlMs = DEFAULT_HEARTBEAT_TTL_MS, onError?: (e: Error) => void): Heartbeat {
  const beat = async () => {
    try {
      const i = info();
      await redis.set(heartbeatKey(i.id), JSON.stringify(i), 'PX', ttlMs);
    } catch (e) {
      onError?.(e as Error);
    }
  };
  const timer = setInterval(() => void beat(), Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref?.();
  void beat();
  return {
    beat,
    async stop() {
      clearInterval(timer);
      try { await redis.del(heartbeatKey(info().id)); } catch { /* it expires by itself */ }
    },
  };
}

/** The workers whose heartbeat has not expired. */
export async function liveWorkers(redis: Redis): Promise<WorkerInfo[]> {
  const out: WorkerInfo[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}:worker:*`, 'COUNT', 200);
    cursor = next;
    if (keys.length) {
      for (const v of await redis.mget(...keys)) {
        if (!v) continue;
        try { out.push(JSON.parse(v) as WorkerInfo); } catch { /* not ours */ }
      }
    }
  } while (cursor !== '0');
  return out;
}
