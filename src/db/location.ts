// Where the database is: FLAREWATCH_DB / --db name a SQLite file (made absolute) or a PostgreSQL
// URL (postgres:// or postgresql://, kept as given). No database code here, so configuration can
// read it without loading a driver.
import { resolve } from 'node:path';

export function isPostgresUrl(s: string | undefined): boolean {
  return !!s && /^postgres(ql)?:\/\//i.test(s);
}

/** A PostgreSQL URL as given, a file path made absolute. */
export function dbLocation(s: string): string {
  return isPostgresUrl(s) ? s : resolve(s);
}
