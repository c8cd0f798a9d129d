// Rules state: watched topics as loaded from the rules folder.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';

export class RulesStore {
  constructor(private readonly db: Db) {}
}
