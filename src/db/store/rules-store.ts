// Rules state: watched topics as loaded from the rules folder.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';

export interface TopicRow { id: string; name: string; query: string; file: string; enabled: boolean }

export class RulesStore {
  private readonly q: Statements;
  constructor(private readonly db: Db) { this.q = new Statements(db); }

  /** Insert or update the topics as loaded (one transaction); topics not given are left as they are. */
  syncTopics(topics: TopicRow[], now: Date): void {
    const up = this.q.get(`INSERT INTO topics (id, name, query, file, enabled, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, query = excluded.query, file = excluded.file, enabled = excluded.enabled, updated_at = excluded.updated_at`);
    const at = now.toISOString();
    this.db.transaction(() => { for (const t of topics) up.run(t.id, t.name, t.query, t.file, t.enabled ? 1 : 0, at); })();
  }

  /** A topic's name, or null when it is not stored. */
  topicName(id: string): string | null {
    return (this.q.pluck('SELECT name FROM topics WHERE id = ?').get(id) as string | undefined) ?? null;
  }

  /** Topics configured, and topics seen on incidents but no longer configured (named by their id), by id. */
  knownTopics(): { id: string; name: string }[] {
    return this.q.get(`SELECT id, name FROM topics
    UNION SELECT DISTINCT topic_id, topic_id FROM incidents WHERE topic_id NOT IN (SELECT id FROM topics) ORDER BY 1`).all() as { id: string; name: string }[];
  }
}
