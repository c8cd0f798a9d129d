// Users and tokens: users, sessions, API tokens, settings (the server secret) and saved searches.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';

export class UsersStore {
  constructor(private readonly db: Db) {}
}
