// The send pass: claim due deliveries, send each through its channel, record the receipt. The
// error class decides: transient → retry with backoff until the delivery's max age; permanent (or
// given up) → failed, with a fallback email (the receiver's own email, else the admin receiver's)
// and a visible warning.
import { performance } from 'node:perf_hooks';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';
import type { AlertingConfig } from '../config/alerting-config.js';
import type { Notification } from './message.js';
import { getChannel } from './channels/registry.js';
import { DeliveryError, PermanentDeliveryError, TransientDeliveryError } from './errors.js';
import { addWarning, claimDue, dueChannels, isLogged, markAlreadySent, markFailed, markRetry, markSent, type DeliveryRow } from './outbox.js';
import { backoffDelay } from './backoff.js';
import { writeAudit } from '../desk/audit.js';
import { storeOf } from '../db/store/index.js';

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: object) => void;

export interface SenderDeps {
  db: Db; config: AlertingConfig; env: Env; fetch: typeof fetch; log: LogFn;
  /** wall clock, for signatures and latency */
  clock: () => Date;
  rand: () => number;
  /** this process's sender id (outbox claims record it; see senderHeartbeat) */
  senderId?: string;
}

export interface PassResult { sent: number; retried: number; failed: number; claimed: number }

/**
 * Send everything due at `now`. Each channel gets its own workers (a slow SMTP server does not hold
 * up the IM robots) and each worker claims one delivery at a time, so 'sending' means in flight.
 */
export async function sendDue(deps: SenderDeps, now: Date, limit = 500): Promise<PassResult> {
  const res: PassResult = { sent: 0, retried: 0, failed: 0, claimed: 0 };
  const worker = async (channel: string) => {
    while (res.claimed < limit) {
      const [d] = claimDue(deps.db, now, 1, channel, deps.senderId ?? null);
      if (!d) return;
      res.claimed++;
      res[await sendOne(deps, d, now)]++;
    }
  };
  const channels = dueChannels(deps.db, now);
  await Promise.all(channels.flatMap((c) => Array.from({ length: deps.config.delivery.concurrency }, () => worker(c))));
  return res;
}

async function sendOne(deps: SenderDeps, d: DeliveryRow, now: Date): Promise<'sent' | 'retried' | 'failed'> {
  const { db } = deps;
  if (isLogged(db, d.dedup_key)) { markAlreadySent(db, d, now); return 'sent'; }
  const def = getChannel(d.channel);
  const cfg = deps.config.receivers.get(d.receiver)?.channels.find((c) => c.type === d.channel)?.config;
  const t0 = performance.now();
  try {
    if (!def) throw new PermanentDeliveryError(`unknown channel type '${d.channel}'`);
    if (cfg === undefined) throw new PermanentDeliveryError(`receiver '${d.receiver}' has no ${d.channel} channel in the current alerting.yaml`);
    const n = JSON.parse(d.payload) as Notification;
    const receipt = await def.send(cfg, n, { fetch: deps.fetch, env: deps.env, now: deps.clock(), timeoutMs: deps.config.delivery.timeoutMs, deliveryKey: d.dedup_key });
    markSent(db, d, now, deps.clock(), { ok: true, statusCode: receipt.statusCode ?? null, detail: receipt.detail, ms: performance.now() - t0 });
    deps.log('info', 'alerting: delivered', { delivery: d.id, receiver: d.receiver, channel: d.channel, attempts: d.attempts });
    return 'sent';
  } catch (e) {
    const ms = performance.now() - t0;
    const err = e instanceof DeliveryError ? e : new PermanentDeliveryError(`${d.channel}: ${(e as Error).message}`);
    const receipt = { ok: false, statusCode: err.statusCode ?? null, detail: `${err.name}: ${err.message}`, ms };
    if (err instanceof TransientDeliveryError) {
      const delay = backoffDelay(deps.config.delivery, d.attempts, deps.rand(), err.retryAfterMs);
      const next = new Date(now.getTime() + delay);
      if (!d.expires_at || next.toISOString() <= d.expires_at) {
        markRetry(db, d, now, next, receipt);
        deps.log('warn', 'alerting: transient failure, will retry', { delivery: d.id, channel: d.channel, attempts: d.attempts, retryInMs: delay, error: err.message });
        return 'retried';
      }
      receipt.detail = `gave up after ${d.attempts} attempts: ${receipt.detail}`;
    }
    markFailed(db, d, now, receipt);
    deps.log('error', 'alerting: delivery failed', { delivery: d.id, receiver: d.receiver, channel: d.channel, error: receipt.detail });
    fallback(deps, d, now, receipt.detail);
    return 'failed';
  }
}

/** A failed channel: queue the same notification by email and leave a visible warning. */
export function fallback(deps: SenderDeps, d: DeliveryRow, now: Date, reason: string): void {
  const { db, config } = deps;
  const warn = (kind: string, message: string) => {
    addWarning(db, now, { kind, receiver: d.receiver, channel: d.channel, deliveryId: d.id, message });
    writeAudit(db, now, 'alerting', `delivery.${kind}`, `delivery:${d.id}`, { receiver: d.receiver, channel: d.channel, reason });
  };
  if (d.channel === 'email' || d.fallback_of !== null || d.dedup_key.startsWith('test:')) { warn('channel-failed', `${d.receiver}/${d.channel} failed: ${reason}`); return; }
  const own = config.receivers.get(d.receiver);
  if (own?.channels.some((c) => c.type === 'email') && d.notification_id !== null) {
    if (storeOf(db).alerts.outbox.hasEmailSibling(d.notification_id, d.receiver)) { warn('channel-failed', `${d.receiver}/${d.channel} failed (the receiver's email carries the same message): ${reason}`); return; }
  }
  const target = own?.channels.some((c) => c.type === 'email') ? own : config.adminReceiver ? config.receivers.get(config.adminReceiver) : undefined;
  if (!target || !target.channels.some((c) => c.type === 'email')) {
    warn('no-fallback', `${d.receiver}/${d.channel} failed and no email fallback is configured (give the receiver an email channel or set admin_receiver): ${reason}`);
    return;
  }
  const n = JSON.parse(d.payload) as Notification;
  n.lines = [`⚠ ${d.channel} 渠道发送失败，改用邮件 / ${d.channel} delivery to '${d.receiver}' failed, sent by email instead: ${reason.slice(0, 300)}`, ...n.lines];
  storeOf(db).alerts.outbox.queueFallbackEmail(d, target.name, JSON.stringify(n), now, new Date(now.getTime() + config.delivery.maxAgeMs), deps.clock());
  warn('fallback', `${d.receiver}/${d.channel} failed, falling back to email (${target.name}): ${reason}`);
}
