// The alerts table: what the pipeline decided to tell people (contracts.md §3). Part of the alerts
// aggregate (src/db/store/alerts-store.ts owns it as `records`).
import type { Db } from '../connection.js';
import type { AlertRecord, Level } from '../../core/alert.js';
import { Statements } from './statements.js';

export class AlertRepo {
  private readonly q: Statements;
  private readonly ins;
  constructor(db: Db) {
    this.q = new Statements(db);
    this.ins = this.q.get(`INSERT INTO alerts (at, topic_id, incident_id, level, state, risk, title, reasons, posts, forecast, categories, sources, kind)
      VALUES (@at, @topic, @incident, @level, @state, @risk, @title, @reasons, @posts, @forecast, @categories, @sources, @kind)`);
  }

  insert(a: AlertRecord): number {
    const r = this.ins.run({
      at: a.at, topic: a.topic, incident: a.incident, level: a.level, state: a.state, risk: a.risk, title: a.title,
      reasons: JSON.stringify(a.reasons), posts: JSON.stringify(a.posts), forecast: a.forecast ? JSON.stringify(a.forecast) : null,
      categories: JSON.stringify(a.categories ?? []), sources: JSON.stringify(a.sources ?? []), kind: a.kind ?? 'incident',
    });
    return Number(r.lastInsertRowid);
  }

  list(opts: { since?: string; until?: string; limit?: number; topic?: string; afterId?: number } = {}): AlertRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.since) { where.push('at >= ?'); args.push(opts.since); }
    if (opts.until) { where.push('at < ?'); args.push(opts.until); }
    if (opts.topic) { where.push('topic_id = ?'); args.push(opts.topic); }
    if (opts.afterId) { where.push('id > ?'); args.push(opts.afterId); }
    // at most 16 shapes of this statement (any of four filters), each prepared once
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.q.get(sql).all(...args, Math.min(opts.limit ?? 100, 5000)) as Record<string, unknown>[]).map(rowToAlert);
  }

  /** The alerts of [from, to) (ISO) for the reports page, oldest first; reasons and posts as stored (JSON text). */
  inPeriod(from: string, to: string): Record<string, unknown>[] {
    return this.q.get('SELECT id, at, topic_id AS topic, incident_id AS incident, level, state, risk, title, reasons, posts FROM alerts WHERE at >= ? AND at < ? ORDER BY at')
      .all(from, to) as Record<string, unknown>[];
  }
}

export function rowToAlert(r: Record<string, unknown>): AlertRecord {
  const j = (v: unknown, d: unknown) => (typeof v === 'string' ? JSON.parse(v) : d);
  return {
    id: r.id as number, at: r.at as string, topic: r.topic_id as string, incident: (r.incident_id as string) ?? null,
    level: r.level as Level, state: r.state as 'firing' | 'resolved', risk: r.risk as number, title: r.title as string,
    reasons: j(r.reasons, []), posts: j(r.posts, []), forecast: j(r.forecast, null), categories: j(r.categories, []),
    sources: j(r.sources, []), kind: (r.kind as AlertRecord['kind']) ?? 'incident',
  };
}
