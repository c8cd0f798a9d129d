// The audit trail: every desk and alerting action writes one audit_log row.
import type { Db } from '../db/connection.js';

export interface AuditEntry { id: number; at: string; actor: string | null; action: string; target: string | null; detail: unknown }

export function writeAudit(db: Db, at: Date, actor: string | null, action: string, target: string | null, detail?: unknown): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
    .run(at.toISOString(), actor, action, target, detail === undefined ? null : JSON.stringify(detail));
}

export function listAudit(db: Db, target: string, limit = 500): AuditEntry[] {
  const rows = db.prepare('SELECT id, at, actor, action, target, detail FROM audit_log WHERE target = ? ORDER BY at, id LIMIT ?').all(target, limit) as
    { id: number; at: string; actor: string | null; action: string; target: string | null; detail: string | null }[];
  return rows.map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null }));
}
