// The account pool's table: source_accounts (migration 011). One row per account of a crawl
// source, with its state (active, paused for a captcha, retired) and its crawlee-style error
// score. Part of the store layer (src/db/store): this module is the one owner of the table's SQL.
// What the rows mean and when they change is src/crawl/account-pool.ts's business.
import type { Db } from '../connection.js';
import { Statements } from './statements.js';

export type AccountState = 'active' | 'paused' | 'retired';
export type AccountOrigin = 'config' | 'login';

export interface AccountRow {
  id: number;
  sourceId: string;
  name: string;
  origin: AccountOrigin;
  /** '<site>/<name>' of the saved browser session (data/sessions/<site>/<name>.json), or null */
  sessionRef: string | null;
  /** the environment variable holding a Cookie header (its name, never the value) */
  cookiesEnv: string | null;
  proxy: string | null;
  state: AccountState;
  stateReason: string | null;
  stateAt: string | null;
  errorScore: number;
  uses: number;
  lastUsedAt: string | null;
  lastOkAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Raw {
  id: number; source_id: string; name: string; origin: string; session_ref: string | null; cookies_env: string | null; proxy: string | null;
  state: string; state_reason: string | null; state_at: string | null; error_score: number; uses: number; last_used_at: string | null;
  last_ok_at: string | null; created_at: string; updated_at: string;
}

const toRow = (r: Raw): AccountRow => ({
  id: Number(r.id), sourceId: r.source_id, name: r.name, origin: r.origin as AccountOrigin, sessionRef: r.session_ref, cookiesEnv: r.cookies_env,
  proxy: r.proxy, state: r.state as AccountState, stateReason: r.state_reason, stateAt: r.state_at, errorScore: Number(r.error_score),
  uses: Number(r.uses), lastUsedAt: r.last_used_at, lastOkAt: r.last_ok_at, createdAt: r.created_at, updatedAt: r.updated_at,
});

export interface AccountFields { sourceId: string; name: string; sessionRef: string | null; cookiesEnv: string | null; proxy: string | null }

export class AccountsStore {
  private readonly q: Statements;
  constructor(db: Db) { this.q = new Statements(db); }

  list(sourceId: string): AccountRow[] { return (this.q.get('SELECT * FROM source_accounts WHERE source_id = ? ORDER BY id').all(sourceId) as Raw[]).map(toRow); }
  listAll(): AccountRow[] { return (this.q.get('SELECT * FROM source_accounts ORDER BY source_id, id').all() as Raw[]).map(toRow); }
  get(id: number): AccountRow | null { const r = this.q.get('SELECT * FROM source_accounts WHERE id = ?').get(id) as Raw | undefined; return r ? toRow(r) : null; }
  byName(sourceId: string, name: string): AccountRow | null { const r = this.q.get('SELECT * FROM source_accounts WHERE source_id = ? AND name = ?').get(sourceId, name) as Raw | undefined; return r ? toRow(r) : null; }

  /** An account declared in sources.yaml: added active, or its settings refreshed (its state is kept). */
  upsertConfig(f: AccountFields, at: Date): AccountRow {
    const iso = at.toISOString();
    const prev = this.byName(f.sourceId, f.name);
    if (!prev) this.insert({ ...f, origin: 'config', at: iso });
    else if (prev.sessionRef !== f.sessionRef || prev.cookiesEnv !== f.cookiesEnv || prev.proxy !== f.proxy) this.q.get('UPDATE source_accounts SET session_ref = @sessionRef, cookies_env = @cookiesEnv, proxy = @proxy, updated_at = @at WHERE id = @id').run({ ...f, id: prev.id, at: iso });
    return this.byName(f.sourceId, f.name)!;
  }

  /** A login saved a fresh session: the account (new, or an existing one logged in again) is active with a clean score. */
  saveLogin(f: Omit<AccountFields, 'cookiesEnv'>, at: Date): AccountRow {
    const iso = at.toISOString();
    const prev = this.byName(f.sourceId, f.name);
    if (!prev) this.insert({ ...f, cookiesEnv: null, origin: 'login', at: iso });
    else this.q.get(`UPDATE source_accounts SET session_ref = @sessionRef, proxy = @proxy, state = 'active', state_reason = NULL, state_at = @at,
      error_score = 0, updated_at = @at WHERE id = @id`).run({ id: prev.id, sessionRef: f.sessionRef, proxy: f.proxy ?? prev.proxy, at: iso });
    return this.byName(f.sourceId, f.name)!;
  }

  markUsed(id: number, at: Date): void { const iso = at.toISOString(); this.q.get('UPDATE source_accounts SET uses = uses + 1, last_used_at = ?, updated_at = ? WHERE id = ?').run(iso, iso, id); }

  /** After a run that did not change the state: the error score, and the last good run. */
  recordRun(id: number, score: number, ok: boolean, at: Date): void { this.q.get('UPDATE source_accounts SET error_score = @score, last_ok_at = CASE WHEN @ok = 1 THEN @at ELSE last_ok_at END, updated_at = @at WHERE id = @id').run({ id, score, ok: ok ? 1 : 0, at: at.toISOString() }); }

  setState(id: number, state: AccountState, reason: string | null, score: number, at: Date): void {
    this.q.get('UPDATE source_accounts SET state = @state, state_reason = @reason, state_at = @at, error_score = @score, updated_at = @at WHERE id = @id').run({ id, state, reason, score, at: at.toISOString() });
  }

  /**
   * Queue mode (a worker's report, account-pool.ts applyOutcome): recordRun and setState, each only
   * while the account is active with the state_at the job was queued with; recordRun also only
   * while no later job was queued with the account (its last_used_at is not after `queuedAt`: a
   * newer run's report is the one to keep). True when the row changed. Applying a report again
   * changes nothing: a state change moved state_at, and a recorded run's account was marked used
   * since (or is left as it was).
   */
  recordRunIfCurrent(id: number, stateAt: string | null, queuedAt: string, score: number, ok: boolean, at: Date): boolean {
    const since = stateAt === null ? 'state_at IS NULL' : 'state_at = @stateAt';
    return this.q.get(`UPDATE source_accounts SET error_score = @score, last_ok_at = CASE WHEN @ok = 1 THEN @at ELSE last_ok_at END, updated_at = @at
      WHERE id = @id AND state = 'active' AND ${since} AND (last_used_at IS NULL OR last_used_at <= @queuedAt)`)
      .run({ id, score, ok: ok ? 1 : 0, at: at.toISOString(), queuedAt, ...(stateAt === null ? {} : { stateAt }) }).changes > 0;
  }

  setStateIfState(id: number, stateAt: string | null, state: AccountState, reason: string | null, score: number, at: Date): boolean {
    const since = stateAt === null ? 'state_at IS NULL' : 'state_at = @stateAt';
    return this.q.get(`UPDATE source_accounts SET state = @state, state_reason = @reason, state_at = @at, error_score = @score, updated_at = @at
      WHERE id = @id AND state = 'active' AND ${since}`).run({ id, state, reason, score, at: at.toISOString(), ...(stateAt === null ? {} : { stateAt }) }).changes > 0;
  }

  /** A fallback account a worker went on with: used now, unless it was marked used after `queuedAt` (counted already, or used again since). */
  markUsedSince(id: number, queuedAt: string, at: Date): boolean {
    const iso = at.toISOString();
    return this.q.get('UPDATE source_accounts SET uses = uses + 1, last_used_at = @at, updated_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at <= @queuedAt)').run({ id, queuedAt, at: iso }).changes > 0;
  }

  remove(id: number): boolean { return this.q.get('DELETE FROM source_accounts WHERE id = ?').run(id).changes > 0; }

  /** how many other accounts use the same saved session (a session shared by name must outlive one of them) */
  othersUsingSession(sessionRef: string, exceptId: number): number { return Number((this.q.get('SELECT count(*) AS n FROM source_accounts WHERE session_ref = ? AND id <> ?').get(sessionRef, exceptId) as { n: number }).n); }

  /** Config accounts of a source no longer in sources.yaml are removed; logged-in ones stay. */
  pruneConfig(sourceId: string, keep: readonly string[]): AccountRow[] {
    const gone = this.list(sourceId).filter((a) => a.origin === 'config' && !keep.includes(a.name));
    for (const a of gone) this.remove(a.id);
    return gone;
  }

  private insert(v: AccountFields & { origin: AccountOrigin; at: string }): void {
    this.q.get(`INSERT INTO source_accounts (source_id, name, origin, session_ref, cookies_env, proxy, state, state_reason, state_at, error_score, uses, created_at, updated_at)
      VALUES (@sourceId, @name, @origin, @sessionRef, @cookiesEnv, @proxy, 'active', NULL, @at, 0, 0, @at, @at)`).run(v);
  }
}
