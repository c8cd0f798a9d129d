// Read models across aggregates for the dashboard, API and reports (overview series, incident lists, report tables). Reads only.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';

export class ReadModels {
  private readonly q: Statements;

  constructor(private readonly db: Db) {
    this.q = new Statements(db);
  }

  /** Ids of the incidents the desk called a false alarm (the pipeline damps their look-alikes). */
  falseAlarmIncidentIds(): string[] {
    return this.q.pluck("SELECT id FROM incidents WHERE status = 'false_alarm'").all() as string[];
  }

  // ---- incidents for the evidence archive (src/evidence/archive.ts) ----

  incidentExists(id: string): boolean {
    return this.q.get('SELECT 1 FROM incidents WHERE id = ?').get(id) !== undefined;
  }

  /** An incident's current level (undefined for an unknown incident). */
  incidentLevel(id: string): { id: string; level: string | null } | undefined {
    return this.q.get('SELECT id, level FROM incidents WHERE id = ?').get(id) as { id: string; level: string | null } | undefined;
  }

  /** The highest level any alert of the incident had ('P1' before 'P2'), if any. */
  highestAlertLevel(incidentId: string): string | undefined {
    return this.q.pluck('SELECT level FROM alerts WHERE incident_id = ? ORDER BY level LIMIT 1').get(incidentId) as string | undefined;
  }

  /** An incident's posts that have a URL, most reposted (then most followed) first. */
  incidentPostsWithUrl(incidentId: string, limit: number): { pk: number; url: string }[] {
    return this.q.get(`SELECT p.pk, p.url FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk
    WHERE ip.incident_id = ? AND p.url IS NOT NULL ORDER BY p.reposts DESC, p.author_followers DESC LIMIT ?`).all(incidentId, limit) as { pk: number; url: string }[];
  }
}
