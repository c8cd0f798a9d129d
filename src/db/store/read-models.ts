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
}
