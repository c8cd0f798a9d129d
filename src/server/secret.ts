// The installation secret (HMAC key for acknowledge links and webhook-free tokens): from
// FLAREWATCH_SECRET, else generated once and kept in the settings table.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';

export function getSecret(db: Db, env: Pick<Env, 'secret'>): string {
  if (env.secret) return env.secret;
  const row = db.prepare("SELECT value FROM settings WHERE key = 'secret'").pluck().get() as string | undefined;
  if (row) return row;
  const s = randomBytes(32).toString('base64url');
  db.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES ('secret', ?)").run(s);
  return db.prepare("SELECT value FROM settings WHERE key = 'secret'").pluck().get() as string;
}
