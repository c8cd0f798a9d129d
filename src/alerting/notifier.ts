// The notifier: the alert pipeline's one entry point. onAlert (synchronous, one transaction):
// fingerprint → inhibit → silence → route → group into SQLite. tick: flush due groups (timing,
// quiet hours, repeats), escalate, remind, digest, then send due deliveries. drain: deliver
// everything pending now (replay --notify). start/stop: the live loop. `now` always comes from the
// caller (replay drives it from the data); the wall clock is used only for signatures, ack-link
// expiry and latency, and for drain.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { AlertStateRow } from '../db/store/alerts-store.js';
import type { Env } from '../config/env.js';
import type { AlertRecord, Level } from '../core/alert.js';
import type { AlertingConfig } from '../config/alerting-config.js';
import { alertLabels, fingerprint, type Labels } from './matchers.js';
import { inhibitedBy, type ActiveAlert } from './inhibit.js';
import { matchRoutes } from './routing.js';
import { addToGroups, dueGroups, flushGroup, pendingGroups, type Enqueue } from './grouping.js';
import { buildAlertNotification, buildNotice, type BuildContext } from './notification-builder.js';
import { countByStatus, queueNotification, rebasePending, recoverInFlight, addWarning, listDeliveries, senderHeartbeat, senderStopped, type DeliveryView } from './outbox.js';

/** how often a notifier refreshes its heartbeat (and re-queues what dead senders left in flight) */
const SENDER_HEARTBEAT_MS = 10_000;
/** a sender silent this long is gone: its in-flight deliveries go back to pending */
const SENDER_STALE_MS = 60_000;

/** A sender on this machine whose process no longer exists (ids are host:pid:random). */
export function exitedHere(s: { id: string; pid: number }): boolean {
  if (!s.id.startsWith(`${hostname()}:`) || s.pid === process.pid) return false;
  try {
    process.kill(s.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
import { sendDue, type LogFn, type SenderDeps } from './sender.js';
import { runDigest, runEscalations, runReminders, type NoticeQueue } from './follow-up.js';
import { handleSourceHealth, type SourceHealthEvent } from './source-health.js';
import { listSilences, silencedBy } from '../desk/silences.js';
import type { NotificationKind } from './message.js';

export interface Notifier {
  onAlert(alert: AlertRecord & { id: number }, now: Date): void;
  onSourceHealth(ev: SourceHealthEvent, now: Date): void;
  tick(now: Date): Promise<void>;
  drain(timeoutMs: number): Promise<{ sent: number; failed: number; pending: number }>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
  /** queue a test notification to a receiver (all its channels, or one) and send it now */
  testReceiver(receiver: string, channel?: string): Promise<DeliveryView[]>;
  readonly config: AlertingConfig;
}

export interface NotifierDeps {
  env: Env;
  secret: string;
  log?: LogFn;
  fetch?: typeof fetch;
  /** wall clock (default: real time); tests may fake it */
  clock?: () => Date;
  rand?: () => number;
}

const toActive = (r: AlertStateRow): ActiveAlert => ({
  fingerprint: r.fingerprint, incident: r.incident_id, topic: r.topic_id, level: r.level, state: r.state,
  labels: JSON.parse(r.labels) as Labels, posts: JSON.parse(r.posts) as string[], p1Active: r.p1_active === 1,
});

export function createNotifier(db: Db, config: AlertingConfig, deps: NotifierDeps): Notifier {
  const stores = storeOf(db);
  const log: LogFn = deps.log ?? (() => {});
  const clock = deps.clock ?? (() => new Date());
  // Several processes may send from one database (e.g. `start` and a `replay --notify`): each has a
  // sender id with a heartbeat, and recovery only re-queues the in-flight sends of senders that died.
  const senderId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const sender: SenderDeps = { db, config, env: deps.env, fetch: deps.fetch ?? fetch, log, clock, rand: deps.rand ?? Math.random, senderId };
  const beat = () => {
    try {
      senderHeartbeat(db, senderId, clock());
      const n = recoverInFlight(db, senderId, clock(), SENDER_STALE_MS, exitedHere);
      if (n) log('warn', 'alerting: re-queued deliveries a stopped sender left in flight', { count: n });
    } catch (e) { log('error', 'alerting: sender heartbeat failed', { error: (e as Error).message }); }
  };
  beat();
  const heartbeat = setInterval(beat, SENDER_HEARTBEAT_MS);
  heartbeat.unref?.();
  for (const w of config.warnings) log('warn', w);

  const buildCtx = (): BuildContext => ({ db, config, env: deps.env, secret: deps.secret, wallNow: clock() });
  const channelsOf = (receiver: string): string[] | null => {
    const r = config.receivers.get(receiver);
    return r ? r.channels.map((c) => c.type) : null;
  };
  const missingReceiver = (receiver: string, now: Date) => addWarning(db, now, { kind: 'config', receiver, message: `receiver '${receiver}' is not defined in alerting.yaml` });

  const queueFor = (now: Date): NoticeQueue => ({
    alerts(kind, receiver, dedupBase, alerts, lines) {
      const channels = channelsOf(receiver);
      if (!channels) return missingReceiver(receiver, now);
      const content = buildAlertNotification(buildCtx(), kind, receiver, alerts, lines);
      queueNotification(db, { kind, receiver, incidentId: alerts[0]?.incident ?? null, content, alertIds: content.alertIds },
        { now, wallNow: clock(), maxAgeMs: config.delivery.maxAgeMs, channels, dedupBase });
    },
    notice(kind, receiver, dedupBase, o) {
      const channels = channelsOf(receiver);
      if (!channels) return missingReceiver(receiver, now);
      const content = buildNotice(buildCtx(), kind, receiver, { ...o, at: now });
      queueNotification(db, { kind, receiver, incidentId: o.incident ?? null, content, alertIds: [] },
        { now, wallNow: clock(), maxAgeMs: config.delivery.maxAgeMs, channels, dedupBase });
    },
  });
  const enqueueFor = (now: Date): Enqueue => (g) => {
    const channels = channelsOf(g.receiver);
    if (!channels) { missingReceiver(g.receiver, now); return null; }
    const content = buildAlertNotification(buildCtx(), g.kind, g.receiver, g.alerts);
    queueNotification(db, { kind: g.kind, receiver: g.receiver, groupId: g.groupId, seq: g.seq, incidentId: g.incidentId, content, alertIds: content.alertIds },
      { now, wallNow: clock(), maxAgeMs: config.delivery.maxAgeMs, channels, dedupBase: `g${g.groupId}:s${g.seq}` });
    for (const a of g.alerts) if (a.level === 'P1' && a.state === 'firing') stores.alerts.markFirstP1(fingerprint(a), now);
    return content;
  };

  const decide = (alertId: number, now: Date, outcome: string, detail: string) => stores.alerts.decide(alertId, now, outcome, detail);
  // one transaction (a savepoint inside the caller's): state, decision and grouping are recorded together or not at all
  const onAlertTx = (alert: AlertRecord & { id: number }, now: Date) => stores.atomic(() => {
    const labels = alertLabels(alert);
    const fp = fingerprint(alert);
    const prevRow = stores.alerts.state(fp);
    const active = stores.alerts.firingStatesExcept(fp).map(toActive);
    const inhibited = inhibitedBy({ alert, labels, fingerprint: fp, previous: prevRow ? toActive(prevRow) : null, active, rules: config.inhibitRules, defaults: config.defaultInhibition });
    const p1 = alert.state === 'resolved' ? 0 : alert.level === 'P1' || prevRow?.p1_active === 1 ? 1 : 0;
    stores.alerts.upsertState({ fingerprint: fp, alertId: alert.id, topicId: alert.topic, incidentId: alert.incident, level: alert.level, state: alert.state,
      labels: JSON.stringify(labels), posts: JSON.stringify(alert.posts), p1Active: p1 }, now);
    if (inhibited) { decide(alert.id, now, 'inhibited', inhibited); return; }
    const silence = silencedBy(listSilences(db, now, { active: true }), labels, now);
    if (silence) { decide(alert.id, now, 'silenced', `silence ${silence.id}${silence.comment ? `: ${silence.comment}` : ''}`); return; }
    if (!config.route) { decide(alert.id, now, 'no-route', 'alerting.yaml has no route (no receivers)'); return; }
    const routes = matchRoutes(config.route, labels);
    addToGroups(db, alert, labels, fp, routes, now);
    decide(alert.id, now, 'routed', routes.map((r) => `${r.id} → ${r.receiver}`).join('; '));
  });

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  /** Queue the groups whose timers expired by `now` (synchronous: database only, no sending). */
  function flushDue(now: Date): void {
    const enqueue = enqueueFor(now);
    for (const { group, repeat } of dueGroups(db, now)) {
      try { flushGroup(db, config, group, now, enqueue, { repeat }); } catch (e) { log('error', 'alerting: group flush failed', { group: group.id, error: (e as Error).message }); }
    }
  }

  async function tickOnce(now: Date): Promise<void> {
    flushDue(now);
    const q = queueFor(now);
    for (const [name, fn] of [['escalation', runEscalations], ['follow-up', runReminders], ['digest', runDigest]] as const) {
      try { fn(db, config, now, q); } catch (e) { log('error', `alerting: ${name} failed`, { error: (e as Error).message }); }
    }
    await sendDue(sender, now);
  }

  const notifier: Notifier = {
    config,
    onAlert(alert, now) {
      // Timers that expired before this alert's time flush first, so a replay driven only by
      // onAlert + drain queues the same notifications (level changes, resolutions) as the live loop.
      try { flushDue(now); onAlertTx(alert, now); } catch (e) {
        log('error', 'alerting: could not record alert for delivery', { alert: alert.id, error: (e as Error).message });
      }
    },
    onSourceHealth(ev, now) {
      try { handleSourceHealth(db, config, ev, now, queueFor(now)); } catch (e) {
        log('error', 'alerting: source-health event failed', { source: ev.sourceId, error: (e as Error).message });
      }
    },
    async tick(now) {
      if (running) { await running; }
      running = tickOnce(now).finally(() => { running = null; });
      await running;
    },
    async drain(timeoutMs) {
      if (running) await running;
      const deadline = clock().getTime() + timeoutMs;
      const start = clock();
      const enqueue = enqueueFor(start);
      for (const g of pendingGroups(db)) flushGroup(db, config, g, start, enqueue, { repeat: false, ignoreQuietHours: true });
      rebasePending(db, start, config.delivery.maxAgeMs);
      for (;;) {
        const r = await sendDue(sender, clock());
        const c = countByStatus(db);
        if (c.pending + c.sending === 0 || clock().getTime() >= deadline) break;
        if (r.claimed === 0) {
          const next = stores.alerts.outbox.nextAttemptAt();
          const wait = next ? Date.parse(next) - clock().getTime() : 50;
          await new Promise((res) => setTimeout(res, Math.max(10, Math.min(wait, deadline - clock().getTime(), 5_000))));
        }
      }
      const c = countByStatus(db);
      return { sent: c.sent, failed: c.failed, pending: c.pending + c.sending };
    },
    start(intervalMs = 10_000) {
      if (timer) return;
      timer = setInterval(() => { if (!running) void notifier.tick(clock()).catch((e) => log('error', 'alerting: tick failed', { error: (e as Error).message })); }, intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (running) await running.catch(() => {});
      clearInterval(heartbeat);
      try { senderStopped(db, senderId); } catch { /* the database may already be closed */ }
    },
    async testReceiver(receiver, channel) {
      const all = channelsOf(receiver);
      if (!all) throw new UnknownReceiverError(receiver, [...config.receivers.keys()]);
      if (channel !== undefined && !all.includes(channel)) throw new UnknownReceiverError(`${receiver}/${channel}`, all.map((c) => `${receiver}/${c}`));
      const channels = channel !== undefined ? [channel] : all;
      const now = clock();
      const content = buildNotice(buildCtx(), 'test', receiver, {
        level: 'P4' as Level, title: `测试消息 Test message (${receiver})`, at: now,
        lines: ['这是一条测试消息，可忽略 / This is a test message from Flarewatch; no action needed.'],
      });
      const { notificationId } = stores.atomic(() => queueNotification(db, { kind: 'test' as NotificationKind, receiver, content, alertIds: [] },
        // a test send answers now: no retries (max age 0) and no email fallback (test: keys)
        { now, wallNow: now, maxAgeMs: 0, channels, dedupBase: `test:${now.toISOString()}:${Math.random().toString(36).slice(2, 8)}` }));
      await sendDue(sender, now);
      return listDeliveries(db, { limit: 500 }).filter((d) => d.notificationId === notificationId);
    },
  };
  return notifier;
}

export class UnknownReceiverError extends Error {
  override name = 'UnknownReceiverError';
  constructor(readonly receiver: string, known: string[]) {
    super(`receiver '${receiver}' is not defined in alerting.yaml${known.length ? ` (defined: ${known.join(', ')})` : ''}`);
  }
}
