// The installation secret (HMAC key for acknowledge links and webhook-free tokens): from
// FLAREWATCH_SECRET, else generated once and kept in the settings table (the first process to
// store one wins; every later one reads it).
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';
import { storeOf } from '../db/store/index.js';

export function getSecret(db: Db, env: Pick<Env, 'secret'>): string {
  if (env.secret) return env.secret;
  const users = storeOf(db).users;
  return users.setting('secret') || users.settingOnce('secret', randomBytes(32).toString('base64url'));
}
