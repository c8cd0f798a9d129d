// Users, sessions and API tokens. Session and API tokens are random; only their SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../connection.js';
import { hashPassword, verifyPassword } from '../../server/passwords.js';
import { UserError } from '../../core/errors.js';

export type Role = 'admin' | 'analyst' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];
export interface User { id: number; username: string; role: Role }
export interface ApiTokenInfo { id: number; name: string; role: string; createdAt: string; lastUsedAt: string | null }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class UserRepo {
  constructor(private readonly db: Db) {}

  async add(username: string, password: string, role: Role, now: Date): Promise<User> {
    if (!/^[\p{L}\p{M}\p{N}_.@-]{1,64}$/u.test(username)) throw new UserError(`invalid user name '${username}'`, 'use 1-64 letters (any script, e.g. 张三), digits, ".", "_", "-" or "@"');
    if (password.length < 4) throw new UserError('password too short', 'use at least 4 characters (12 or more recommended)');
    if (!ROLES.includes(role)) throw new UserError(`unknown role '${role}'`, `use one of: ${ROLES.join(', ')}`);
    const hash = await hashPassword(password);
    const existing = this.db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(username) as number | undefined;
    if (existing) {
      this.db.prepare('UPDATE users SET password_hash = ?, role = ?, disabled = 0 WHERE id = ?').run(hash, role, existing);
      return { id: existing, username, role };
    }
    const r = this.db.prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)').run(username, hash, role, now.toISOString());
    return { id: Number(r.lastInsertRowid), username, role };
  }

  async authenticate(username: string, password: string): Promise<User | null> {
    const row = this.db.prepare('SELECT id, username, role, password_hash FROM users WHERE username = ? AND disabled = 0').get(username) as
      { id: number; username: string; role: Role; password_hash: string } | undefined;
    // compare against a dummy hash when the user is unknown, so timing does not reveal user names
    const ok = await verifyPassword(password, row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86) + '==');
    return row && ok ? { id: row.id, username: row.username, role: row.role } : null;
  }

  list(): (User & { createdAt: string; disabled: boolean })[] {
    return (this.db.prepare('SELECT id, username, role, created_at, disabled FROM users ORDER BY id').all() as Record<string, unknown>[])
      .map((r) => ({ id: r.id as number, username: r.username as string, role: r.role as Role, createdAt: r.created_at as string, disabled: r.disabled === 1 }));
  }

  get(id: number): (User & { disabled: boolean }) | null {
    const r = this.db.prepare('SELECT id, username, role, disabled FROM users WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r ? { id: r.id as number, username: r.username as string, role: r.role as Role, disabled: r.disabled === 1 } : null;
  }

  /** Change role, disabled flag or password; disabling or a new password ends the user's sessions. */
  async update(id: number, change: { role?: Role; disabled?: boolean; password?: string }): Promise<void> {
    if (change.role !== undefined) {
      if (!ROLES.includes(change.role)) throw new UserError(`unknown role '${change.role}'`, `use one of: ${ROLES.join(', ')}`);
      this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(change.role, id);
    }
    if (change.password !== undefined) {
      if (change.password.length < 4) throw new UserError('password too short', 'use at least 4 characters (12 or more recommended)');
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(await hashPassword(change.password), id);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
    }
    if (change.disabled !== undefined) {
      this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(change.disabled ? 1 : 0, id);
      if (change.disabled) this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
    }
  }

  /** Active admins other than `exceptId`: the last admin must not lock everyone out. */
  otherActiveAdmins(exceptId: number): number {
    return this.db.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?").pluck().get(exceptId) as number;
  }

  createSession(userId: number, now: Date, ttlMs: number): { token: string; csrf: string; expiresAt: string } {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    this.db.prepare('INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha256(token), userId, csrf, now.toISOString(), expiresAt, now.toISOString());
    return { token, csrf, expiresAt };
  }

  sessionUser(token: string, now: Date): (User & { csrf: string }) | null {
    const row = this.db.prepare(`SELECT u.id, u.username, u.role, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ? AND u.disabled = 0`).get(sha256(token)) as Record<string, unknown> | undefined;
    if (!row || (row.expires_at as string) <= now.toISOString()) return null;
    return { id: row.id as number, username: row.username as string, role: row.role as Role, csrf: row.csrf_token as string };
  }

  deleteSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(sha256(token));
  }

  addToken(name: string, role: string, now: Date): string {
    const token = `fw_${randomBytes(24).toString('base64url')}`;
    this.db.prepare('INSERT INTO api_tokens (name, token_hash, role, created_at) VALUES (?, ?, ?, ?)').run(name, sha256(token), role, now.toISOString());
    return token;
  }

  /** API tokens without their secrets (only a hash is stored), oldest first. */
  listTokens(): ApiTokenInfo[] {
    return (this.db.prepare('SELECT id, name, role, created_at, last_used_at FROM api_tokens ORDER BY id').all() as Record<string, unknown>[])
      .map((r) => ({ id: Number(r.id), name: String(r.name), role: String(r.role), createdAt: String(r.created_at), lastUsedAt: (r.last_used_at as string | null) ?? null }));
  }

  /**
   * Revoke (delete) an API token by id or by name; it stops working at once. A name held by several
   * tokens is refused with their ids. Returns the revoked token, or null when none matches.
   */
  revokeToken(ref: string | number): ApiTokenInfo | null {
    const all = this.listTokens();
    const byId = typeof ref === 'number' || /^\d+$/.test(ref) ? all.find((t) => t.id === Number(ref)) : undefined;
    const hits = byId ? [byId] : all.filter((t) => t.name === String(ref));
    if (hits.length > 1) throw new UserError(`${hits.length} tokens are named '${String(ref)}' (ids ${hits.map((t) => t.id).join(', ')})`, 'revoke one by its id');
    if (!hits.length) return null;
    this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(hits[0].id);
    return hits[0];
  }

  tokenRole(token: string, now: Date): { name: string; role: string } | null {
    const row = this.db.prepare('SELECT id, name, role FROM api_tokens WHERE token_hash = ?').get(sha256(token)) as { id: number; name: string; role: string } | undefined;
    if (!row) return null;
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now.toISOString(), row.id);
    return { name: row.name, role: row.role };
  }
}
