// Builds the Notification for a group flush, an escalation or a reminder: looks up the top posts
// (links, text, author) and the topic name, and signs the acknowledge link. Reads the database;
// the clocks are passed in (`wallNow` for link expiry, since people click in real time).
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import { toContractAlert, type AlertRecord, type Level, LEVEL_RANK } from '../core/alert.js';
import type { AlertingConfig } from '../config/alerting-config.js';
import type { Notification, NotificationKind, NotificationPost } from './message.js';
import { signAckToken } from './ack-link.js';
import type { Env } from '../config/env.js';
import { safeUrl } from './text-safety.js';

export interface BuildContext { db: Db; config: AlertingConfig; env: Env; secret: string; wallNow: Date }

export function baseUrl(config: Pick<AlertingConfig, 'dashboardUrl'>, env: Pick<Env, 'publicUrl' | 'host' | 'port'>): string {
  const b = config.dashboardUrl ?? env.publicUrl ?? `http://${env.host === '0.0.0.0' ? '127.0.0.1' : env.host}:${env.port}`;
  return b.replace(/\/+$/, '');
}

export function topPosts(db: Db, keys: string[], limit = 5): NotificationPost[] {
  const posts = storeOf(db).posts;
  const out: NotificationPost[] = [];
  for (const key of keys.slice(0, 200)) {
    const i = key.indexOf(':');
    const row = i > 0 ? posts.card(key.slice(0, i), key.slice(i + 1)) : undefined;
    out.push(row
      ? { key, url: safeUrl(row.url), text: [row.title, row.text].filter(Boolean).join(' · ') || key, author: row.author_name, reposts: row.reposts }
      : { key, url: null, text: key, author: null, reposts: null });
  }
  return out.sort((a, b) => (b.reposts ?? -1) - (a.reposts ?? -1)).slice(0, limit);
}

function topicName(db: Db, id: string): string {
  const name = storeOf(db).rules.topicName(id);
  return name !== null && name !== id ? `${name} (${id})` : id;
}

export function ackLink(ctx: BuildContext, incidentId: string): { url: string; expiresAt: string } {
  const exp = new Date(ctx.wallNow.getTime() + ctx.config.ackLinkTtlMs);
  return { url: `${baseUrl(ctx.config, ctx.env)}/ack/${signAckToken(incidentId, exp, ctx.secret)}`, expiresAt: exp.toISOString() };
}

export function dashboardLink(ctx: BuildContext, incidentId: string | null): string {
  const b = baseUrl(ctx.config, ctx.env);
  return incidentId ? `${b}/#/incident/${encodeURIComponent(incidentId)}` : `${b}/#/overview`; // the dashboard's hash routes
}

/** Notification about one or more alerts (the first is the primary: highest level, latest). */
export function buildAlertNotification(ctx: BuildContext, kind: NotificationKind, receiver: string, alerts: (AlertRecord & { id: number })[], lines: string[] = []): Notification {
  const sorted = [...alerts].sort((a, b) => (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) || LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || b.at.localeCompare(a.at));
  const p = sorted[0];
  const ack = p.incident && p.state === 'firing' && (p.kind ?? 'incident') === 'incident' ? ackLink(ctx, p.incident) : null;
  return {
    kind, level: p.level, state: p.state, topic: topicName(ctx.db, p.topic), incident: p.incident, title: p.title, risk: p.risk,
    reasons: p.reasons, forecast: p.forecast, posts: topPosts(ctx.db, p.posts), postCount: p.posts.length, at: p.at, receiver,
    dashboardUrl: dashboardLink(ctx, p.incident), ackUrl: ack?.url ?? null, ackExpiresAt: ack?.expiresAt ?? null, lines,
    others: sorted.slice(1).map((o) => ({ incident: o.incident, level: o.level, title: o.title, state: o.state })),
    alert: { ...toContractAlert(p), id: p.id }, alertIds: sorted.map((a) => a.id),
    sources: p.sources?.length ? p.sources : [...new Set(p.posts.map((k) => k.split(':')[0]).filter(Boolean))].sort(),
    timeZone: ctx.env.timezone,
  };
}

/** A notice that is not about one alert (digest, source health, test). */
export function buildNotice(ctx: BuildContext, kind: NotificationKind, receiver: string, o: { level: Level; title: string; topic?: string; incident?: string | null; lines: string[]; at: Date; state?: 'firing' | 'resolved' }): Notification {
  return {
    kind, level: o.level, state: o.state ?? 'firing', topic: o.topic ?? '-', incident: o.incident ?? null, title: o.title, risk: 0, reasons: [],
    forecast: null, posts: [], postCount: 0, at: o.at.toISOString(), receiver, dashboardUrl: dashboardLink(ctx, o.incident ?? null),
    ackUrl: null, ackExpiresAt: null, lines: o.lines, others: [], alert: null, alertIds: [], sources: [], timeZone: ctx.env.timezone,
  };
}
