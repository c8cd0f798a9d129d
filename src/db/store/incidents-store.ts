// Incidents with the desk's transitions: incidents, incident posts, notes, risk history, desk merges and the audit log.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';

export class IncidentsStore {
  constructor(private readonly db: Db) {}
}
