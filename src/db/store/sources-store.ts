// Sources and their health: sources, source events, source health state, the crawl inbox and evidence snapshots.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';

export class SourcesStore {
  constructor(private readonly db: Db) {}
}
