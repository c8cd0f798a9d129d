// User accounts: adding and changing users (names, roles and password rules checked, passwords
// hashed with scrypt), signing in, sessions and API tokens. Session and API tokens are random;
// only their SHA-256 is stored (src/db/store/users-store.ts holds the rows).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import { ROLES, type ApiTokenInfo, type Role, type User, type UsersStore } from '../db/store/users-store.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { UserError } from '../core/errors.js';

export { ROLES, type ApiTokenInfo, type Role, type User };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
// compared against when the user is unknown, so timing does not reveal user names
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86) + '==';

export class UserAccounts {
  private readonly users: UsersStore;
  constructor(db: Db) { this.users = storeOf(db).users; }

  /** Add a user, or reset the password and role of an existing one (and enable it again). */
  async add(username: string, password: string, role: Role, now: Date): Promise<User> {
    if (!/^[\p{L}\p{M}\p{N}_.@-]{1,64}$/u.test(username)) throw new UserError(`invalid user name '${username}'`, 'use 1-64 letters (any script, e.g. 张三), digits, ".", "_", "-" or "@"');
    if (password.length < 4) throw new UserError('password too short', 'use at least 4 characters (12 or more recommended)');
    if (!ROLES.includes(role)) throw new UserError(`unknown role '${role}'`, `use one of: ${ROLES.join(', ')}`);
    const hash = await hashPassword(password);
    const existing = this.users.userIdByName(username);
    if (existing) {
      this.users.resetUser(existing, hash, role);
      return { id: existing, username, role };
    }
    return { id: this.users.insertUser(username, hash, role, now), username, role };
  }

  async authenticate(username: string, password: string): Promise<User | null> {
    const row = this.users.loginRow(username);
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? { id: row.id, username: row.username, role: row.role } : null;
  }

  list(): (User & { createdAt: string; disabled: boolean })[] {
    return this.users.listUsers();
  }

  get(id: number): (User & { disabled: boolean }) | null {
    return this.users.user(id);
  }

  /** Change role, disabled flag or password; disabling or a new password ends the user's sessions. */
  async update(id: number, change: { role?: Role; disabled?: boolean; password?: string }): Promise<void> {
    if (change.role !== undefined) {
      if (!ROLES.includes(change.role)) throw new UserError(`unknown role '${change.role}'`, `use one of: ${ROLES.join(', ')}`);
      this.users.setRole(id, change.role);
    }
    if (change.password !== undefined) {
      if (change.password.length < 4) throw new UserError('password too short', 'use at least 4 characters (12 or more recommended)');
      this.users.setPasswordHash(id, await hashPassword(change.password));
    }
    if (change.disabled !== undefined) this.users.setDisabled(id, change.disabled);
  }

  /** Active admins other than `exceptId`: the last admin must not lock everyone out. */
  otherActiveAdmins(exceptId: number): number {
    return this.users.otherActiveAdmins(exceptId);
  }

  createSession(userId: number, now: Date, ttlMs: number): { token: string; csrf: string; expiresAt: string } {
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    this.users.insertSession(sha256(token), userId, csrf, now, expiresAt);
    return { token, csrf, expiresAt };
  }

  sessionUser(token: string, now: Date): (User & { csrf: string }) | null {
    const row = this.users.sessionRow(sha256(token));
    if (!row || row.expires_at <= now.toISOString()) return null;
    return { id: row.id, username: row.username, role: row.role, csrf: row.csrf_token };
  }

  deleteSession(token: string): void {
    this.users.deleteSession(sha256(token));
  }

  addToken(name: string, role: string, now: Date): string {
    const token = `fw_${randomBytes(24).toString('base64url')}`;
    this.users.insertToken(name, sha256(token), role, now);
    return token;
  }

  /** API tokens without their secrets (only a hash is stored), oldest first. */
  listTokens(): ApiTokenInfo[] {
    return this.users.listTokens();
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
    this.users.deleteToken(hits[0].id);
    return hits[0];
  }

  tokenRole(token: string, now: Date): { name: string; role: string } | null {
    const row = this.users.useToken(sha256(token), now);
    return row ? { name: row.name, role: row.role } : null;
  }
}
