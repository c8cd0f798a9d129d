// Users and tokens: users, sessions, API tokens, settings (the server secret) and saved searches.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
// It stores what it is given: password hashes are computed by the caller (src/server/user-accounts.ts),
// and sessions and API tokens are looked up by the SHA-256 of the secret the caller holds.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';

export type Role = 'admin' | 'analyst' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];
export interface User { id: number; username: string; role: Role }
export interface ApiTokenInfo { id: number; name: string; role: string; createdAt: string; lastUsedAt: string | null }
export interface SavedSearchRow { id: number; name: string; query: string; filters: string; created_at: string; updated_at: string }

export class UsersStore {
  private readonly q: Statements;
  constructor(private readonly db: Db) { this.q = new Statements(db); }

  // --- users ---

  userIdByName(username: string): number | undefined {
    return this.q.pluck('SELECT id FROM users WHERE username = ?').get(username) as number | undefined;
  }

  /** A new user with this password hash; returns its id. */
  insertUser(username: string, passwordHash: string, role: Role, createdAt: Date): number {
    return Number(this.q.get('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)').run(username, passwordHash, role, createdAt.toISOString()).lastInsertRowid);
  }

  /** An existing user gets a new password hash and role, and is enabled again. */
  resetUser(id: number, passwordHash: string, role: Role): void {
    this.q.get('UPDATE users SET password_hash = ?, role = ?, disabled = 0 WHERE id = ?').run(passwordHash, role, id);
  }

  /** An enabled user's row with the stored hash, for signing in. */
  loginRow(username: string): (User & { password_hash: string }) | undefined {
    return this.q.get('SELECT id, username, role, password_hash FROM users WHERE username = ? AND disabled = 0').get(username) as (User & { password_hash: string }) | undefined;
  }

  listUsers(): (User & { createdAt: string; disabled: boolean })[] {
    return (this.q.get('SELECT id, username, role, created_at, disabled FROM users ORDER BY id').all() as Record<string, unknown>[])
      .map((r) => ({ id: r.id as number, username: r.username as string, role: r.role as Role, createdAt: r.created_at as string, disabled: r.disabled === 1 }));
  }

  user(id: number): (User & { disabled: boolean }) | null {
    const r = this.q.get('SELECT id, username, role, disabled FROM users WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r ? { id: r.id as number, username: r.username as string, role: r.role as Role, disabled: r.disabled === 1 } : null;
  }

  setRole(id: number, role: Role): void {
    this.q.get('UPDATE users SET role = ? WHERE id = ?').run(role, id);
  }

  /** A new password hash; the user's sessions end. */
  setPasswordHash(id: number, passwordHash: string): void {
    this.q.get('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, id);
    this.endSessionsOf(id);
  }

  /** Disable or enable a user; disabling ends its sessions. */
  setDisabled(id: number, disabled: boolean): void {
    this.q.get('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
    if (disabled) this.endSessionsOf(id);
  }

  /** Active admins other than `exceptId`. */
  otherActiveAdmins(exceptId: number): number {
    return this.q.pluck("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?").get(exceptId) as number;
  }

  // --- sessions (stored by the SHA-256 of the cookie's token) ---

  insertSession(tokenHash: string, userId: number, csrf: string, now: Date, expiresAt: string): void {
    this.q.get('INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(tokenHash, userId, csrf, now.toISOString(), expiresAt, now.toISOString());
  }

  /** The enabled user of a session, with its CSRF token and expiry. */
  sessionRow(tokenHash: string): (User & { csrf_token: string; expires_at: string }) | undefined {
    return this.q.get(`SELECT u.id, u.username, u.role, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ? AND u.disabled = 0`).get(tokenHash) as (User & { csrf_token: string; expires_at: string }) | undefined;
  }

  deleteSession(tokenHash: string): void {
    this.q.get('DELETE FROM sessions WHERE id = ?').run(tokenHash);
  }

  private endSessionsOf(userId: number): void {
    this.q.get('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  // --- API tokens (stored by the SHA-256 of the token) ---

  insertToken(name: string, tokenHash: string, role: string, now: Date): void {
    this.q.get('INSERT INTO api_tokens (name, token_hash, role, created_at) VALUES (?, ?, ?, ?)').run(name, tokenHash, role, now.toISOString());
  }

  /** API tokens without their secrets, oldest first. */
  listTokens(): ApiTokenInfo[] {
    return (this.q.get('SELECT id, name, role, created_at, last_used_at FROM api_tokens ORDER BY id').all() as Record<string, unknown>[])
      .map((r) => ({ id: Number(r.id), name: String(r.name), role: String(r.role), createdAt: String(r.created_at), lastUsedAt: (r.last_used_at as string | null) ?? null }));
  }

  deleteToken(id: number): void {
    this.q.get('DELETE FROM api_tokens WHERE id = ?').run(id);
  }

  /** The token with this hash, its last use set to `now`. */
  useToken(tokenHash: string, now: Date): { id: number; name: string; role: string } | null {
    const row = this.q.get('SELECT id, name, role FROM api_tokens WHERE token_hash = ?').get(tokenHash) as { id: number; name: string; role: string } | undefined;
    if (!row) return null;
    this.q.get('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now.toISOString(), row.id);
    return row;
  }

  // --- settings ---

  setting(key: string): string | null {
    return (this.q.pluck('SELECT value FROM settings WHERE key = ?').get(key) as string | undefined) ?? null;
  }

  setSetting(key: string, value: string): void {
    this.q.get('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Store `value` under `key` unless the key is set; returns the value stored (the first writer's). */
  settingOnce(key: string, value: string): string {
    this.q.get('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING').run(key, value);
    return this.setting(key) as string;
  }

  // --- saved searches (one list per user) ---

  savedSearch(userId: number, id: number): SavedSearchRow | undefined {
    return this.q.get('SELECT * FROM saved_searches WHERE id = ? AND user_id = ?').get(id, userId) as SavedSearchRow | undefined;
  }

  savedSearchNameTaken(userId: number, name: string, exceptId: number): boolean {
    return this.q.get('SELECT 1 FROM saved_searches WHERE user_id = ? AND name = ? AND id != ?').get(userId, name, exceptId) !== undefined;
  }

  /** A user's saved searches by name (ASCII case folded, as SQLite's NOCASE), then id. */
  savedSearches(userId: number): SavedSearchRow[] {
    return this.q.get('SELECT * FROM saved_searches WHERE user_id = ? ORDER BY lower(name), id').all(userId) as SavedSearchRow[];
  }

  savedSearchCount(userId: number): number {
    return this.q.pluck('SELECT count(*) FROM saved_searches WHERE user_id = ?').get(userId) as number;
  }

  insertSavedSearch(userId: number, name: string, query: string, filters: string, now: Date): number {
    const t = now.toISOString();
    return Number(this.q.get('INSERT INTO saved_searches (user_id, name, query, filters, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(userId, name, query, filters, t, t).lastInsertRowid);
  }

  updateSavedSearch(id: number, name: string, query: string, filters: string, now: Date): void {
    this.q.get('UPDATE saved_searches SET name = ?, query = ?, filters = ?, updated_at = ? WHERE id = ?').run(name, query, filters, now.toISOString(), id);
  }

  deleteSavedSearch(userId: number, id: number): void {
    this.q.get('DELETE FROM saved_searches WHERE id = ? AND user_id = ?').run(id, userId);
  }
}
