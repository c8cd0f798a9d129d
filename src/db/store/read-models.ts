// Read models across aggregates for the dashboard, API and reports (overview series, incident lists, report tables). Reads only.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';

export class ReadModels {
  constructor(private readonly db: Db) {}
}
