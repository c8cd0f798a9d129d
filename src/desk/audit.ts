// The audit trail: every desk and alerting action writes one audit_log row (kept by the incidents
// store, src/db/store/incidents-store.ts).
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';

export interface AuditEntry { id: number; at: string; actor: string | null; action: string; target: string | null; detail: unknown }

export function writeAudit(db: Db, at: Date, actor: string | null, action: string, target: string | null, detail?: unknown): void {
  storeOf(db).incidents.writeAudit(at, actor, action, target, detail);
}

export function listAudit(db: Db, target: string, limit = 500): AuditEntry[] {
  return storeOf(db).incidents.audit(target, limit).map((r) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null }));
}
