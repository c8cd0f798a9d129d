// The account pool of a crawl source that needs a login (a browser-session adapter, an adapter with
// a QR login, or a source with `accounts:` in sources.yaml). A source holds several accounts:
// saved browser sessions (from a QR login on the dashboard, or named in sources.yaml) and cookies
// from environment variables. This module owns:
// - which account a run uses (pickAccount: the active one used least recently, so runs rotate);
// - what a run's end means for it (accountVerdict, crawlee's session pool in spirit: a block
//   retires the account at once, a captcha pauses it until a person resumes it, and the cookie
//   jar's error score, +1 bad / +0.5 for a 429 / -0.5 good, retires it at 3);
// - the account's network identity for a run: its cookie jar (kept across runs), its proxy, and
//   politeness per account (accountLimiter);
// - the way back: resume (a person solved the captcha) and remove;
// - the `account` health event the scheduler sends down the source-health path when an account
//   is retired or paused, so the desk hears of it (src/alerting/source-health.ts);
// - queue mode (FLAREWATCH_QUEUE): the accounts a queued job carries, in the order a run here would
//   try them (queueOrder), and a worker's report of what each met, applied as a run here would
//   be (applyOutcome), once: a report is applied only while the account's state is the one the
//   job was queued with, so a retried job's second report, or one arriving after a person resumed
//   the account, changes nothing (job-accounts.ts is the worker's side).
// Secrets never leave here raw: a saved session stays in its file (browser-session.ts, mode 0600),
// an env cookie in the environment; views for the API carry names, states and masked proxies.
import { createHash } from 'node:crypto';
import type { AnyAdapter } from './adapter.js';
import type { SourceConfig } from './sources-config.js';
import type { AccountFields, AccountRow, AccountState, AccountsStore } from '../db/store/accounts-store.js';
import type { SessionStore } from './browser-session.js';
import { CookieJar } from './cookie-jar.js';
import { initialJar } from './session-setup.js';
import { BlockedError, ChallengeError, type CrawlError } from './errors.js';
import type { HostLimiterLike } from './host-limiter.js';
import type { SourceHealthEvent } from './source-health.js';
import type { Env } from '../config/env.js';
import { UserError } from '../core/errors.js';
import type { AccountOutcome, QueuedAccount } from './job-accounts.js';

export type { AccountRow, AccountState } from '../db/store/accounts-store.js';

/** An account name as typed on the dashboard or in sources.yaml. */
export const ACCOUNT_NAME = /^[\w.-]{1,40}$/;

/** No such account of this source (API: 404). */
export class AccountNotFoundError extends UserError {
  override name = 'AccountNotFoundError';
}

/** The crawlee error score at which an account is retired. */
export const MAX_ERROR_SCORE = 3;

/** What stopped a run with an account, as plain data (a worker reports it; BlockedError instances stay in the process that met them). */
export interface AccountBlock { kind: 'captcha' | 'login' | 'blocked'; message: string }

/** The block a run's error means for its account: a captcha or login page (a browser session's, or an adapter's ChallengeError), or any other block. */
export function blockOf(blocked: BlockedError | AccountBlock | null): AccountBlock | null {
  if (!blocked) return null;
  if (blocked instanceof ChallengeError) return { kind: blocked.kind, message: blocked.message };
  if (blocked instanceof BlockedError) return { kind: 'blocked', message: blocked.message };
  return blocked;
}

/** What a run's end means for its account (pure): still active, paused for a person, or retired. */
export function accountVerdict(blocked: BlockedError | AccountBlock | null, errorScore: number, maxScore = MAX_ERROR_SCORE): { state: AccountState; reason: string | null } {
  const b = blockOf(blocked);
  if (b?.kind === 'captcha') return { state: 'paused', reason: `captcha: ${b.message}` };
  if (b?.kind === 'login') return { state: 'retired', reason: `login expired: ${b.message}` };
  if (b) return { state: 'retired', reason: b.message };
  if (errorScore >= maxScore) return { state: 'retired', reason: `error score ${errorScore} reached ${maxScore} (the site kept refusing or slowing this account)` };
  return { state: 'active', reason: null };
}

/** Active accounts in the order runs try them: never-used first, then least recently used; the id breaks ties. */
export function accountOrder(accounts: readonly AccountRow[], skip: ReadonlySet<number> = new Set()): AccountRow[] {
  const usable = accounts.filter((a) => a.state === 'active' && !skip.has(a.id));
  return usable.sort((a, b) => (a.lastUsedAt ?? '').localeCompare(b.lastUsedAt ?? '') || a.id - b.id);
}

/** The next account to crawl with: active ones only, never-used first, then least recently used; the id breaks ties. */
export function pickAccount(accounts: readonly AccountRow[], skip: ReadonlySet<number> = new Set()): AccountRow | null {
  return accountOrder(accounts, skip)[0] ?? null;
}

/** Politeness per account: the shared limiter, keyed by host and account (each account keeps the source's interval on its own). */
export function accountLimiter(base: HostLimiterLike, accountId: number): HostLimiterLike {
  const key = (host: string) => `${host}#account-${accountId}`;
  return { run: (host, task) => base.run(key(host), task), setMinInterval: (host, ms) => base.setMinInterval(key(host), ms) };
}

/** The platform folder of an adapter's saved sessions (its login or browser-session site); null: none. */
export function sessionSiteOf(adapter: AnyAdapter): string | null {
  return adapter.login?.site ?? (adapter.features.browserSession ? adapter.id : null);
}

/** The saved session's name for an account of a source (short enough for the session file's name). */
export function sessionKeyFor(sourceId: string, name: string): string {
  const key = `${sourceId}.${name}`;
  return key.length <= 60 ? key : `${name}.${createHash('sha1').update(sourceId).digest('hex').slice(0, 12)}`;
}

/** '<site>/<name>' of a saved session, split. */
export const splitRef = (ref: string): { site: string; key: string } => {
  const i = ref.indexOf('/');
  return { site: ref.slice(0, i), key: ref.slice(i + 1) };
};

/** What a run needs of an account (a pool row in this process; what a queued job carries to a worker). */
export type RunAccount = Pick<AccountRow, 'id' | 'sourceId' | 'name' | 'sessionRef' | 'cookiesEnv' | 'proxy' | 'errorScore' | 'stateAt'>;

/**
 * The accounts a run goes through (the scheduler's crawlWithAccounts): the pool in this process,
 * a queued job's accounts in a crawl worker (job-accounts.ts). `settle` returns the health event
 * to send now, or null.
 */
export interface RunAccounts {
  pick(sourceId: string, skip: ReadonlySet<number>): RunAccount | null;
  /** why the run found no account to use (a BlockedError when none is left; another error when none could be used here) */
  noAccountError(sourceId: string, url: string): CrawlError;
  jarFor(acct: RunAccount, adapter: AnyAdapter, sourceUrl: string): CookieJar;
  sessionAccountOf(acct: RunAccount): string | null;
  markUsed(acct: RunAccount, at: Date): void;
  settle(acct: RunAccount, jar: CookieJar, blocked: BlockedError | null, at: Date): SourceHealthEvent | null;
}

/** Where an account's cookies come from: its cookiesEnv variable, the saved session file, the environment. */
export interface JarSources { sessions: SessionStore; env: Env; lookupSecret?: (name: string) => string | undefined }

/**
 * A fresh cookie jar for an account: a plain-HTTP adapter (zhihu) sends the cookies a QR login
 * saved; otherwise the cookie header of its cookiesEnv variable (a browser session restores its
 * saved cookies itself, and is seeded with this header). Starts at the account's error score.
 */
export function accountJar(acct: Pick<RunAccount, 'sessionRef' | 'cookiesEnv' | 'errorScore'>, adapter: AnyAdapter, sourceUrl: string, from: JarSources): CookieJar {
  const header = acct.cookiesEnv ? from.lookupSecret?.(acct.cookiesEnv) ?? null : null;
  let jar: CookieJar | null = null;
  if (!adapter.features.browserSession && acct.sessionRef) {
    const { site, key } = splitRef(acct.sessionRef);
    const saved = from.sessions.load(site, key).cookies;
    if (saved.length) jar = CookieJar.fromSaved(saved);
  }
  jar ??= initialJar(adapter.id, from.env, header, sourceUrl);
  jar.errorScore = acct.errorScore;
  return jar;
}

/** A proxy URL without its credentials or path: scheme, host and port. */
export function maskProxy(url: string | null): string | null {
  if (!url) return null;
  try { const u = new URL(url); return `${u.protocol}//${u.host}`; } catch { return '…'; }
}

/** What the API shows of an account: no cookie, no session content, no proxy credentials. */
export interface AccountView {
  id: number; name: string; origin: AccountRow['origin']; state: AccountState; reason: string | null; stateAt: string | null;
  errorScore: number; uses: number; lastUsedAt: string | null; lastOkAt: string | null;
  /** a saved browser session exists (and when it was last saved) */
  session: { saved: boolean; savedAt: string | null; cookies: number } | null;
  /** the environment variable's name, and whether it is set in this process */
  cookiesEnv: { name: string; set: boolean } | null;
  proxy: string | null;
}

export interface AccountPoolOptions {
  store: AccountsStore;
  sessions: SessionStore;
  env: Env;
  /** a cookiesEnv variable's value (the monitor passes the environment's) */
  lookupSecret?: (name: string) => string | undefined;
}

interface CachedJar { jar: CookieJar; stamp: string }

export class AccountPool implements RunAccounts {
  private readonly jars = new Map<number, CachedJar>();
  constructor(private readonly o: AccountPoolOptions) {}

  /** Does this source crawl through the pool? (browser-session adapters always; QR-login adapters once they have an account) */
  uses(cfg: SourceConfig, adapter: AnyAdapter): boolean {
    if (cfg.accounts?.length || adapter.features.browserSession) return true;
    return !!adapter.login && (!!cfg.cookiesEnv || this.o.store.list(cfg.id).length > 0);
  }

  /** The accounts sources.yaml gives a source: its `accounts:` list, or one implicit account from its older settings. */
  configAccounts(cfg: SourceConfig, adapter: AnyAdapter): AccountFields[] {
    const site = sessionSiteOf(adapter);
    if (cfg.accounts?.length) {
      return cfg.accounts.map((a) => ({ sourceId: cfg.id, name: a.name, cookiesEnv: a.cookiesEnv ?? null, proxy: a.proxy ?? null,
        sessionRef: site ? `${site}/${a.session ?? sessionKeyFor(cfg.id, a.name)}` : null }));
    }
    if (adapter.features.browserSession) {
      // the session the adapter's `account` param has always named (data/sessions/<site>/<account>.json)
      const name = String(cfg.params.account ?? 'default');
      return [{ sourceId: cfg.id, name, cookiesEnv: cfg.cookiesEnv ?? null, proxy: null, sessionRef: `${site}/${name}` }];
    }
    if (adapter.login && cfg.cookiesEnv) return [{ sourceId: cfg.id, name: 'default', cookiesEnv: cfg.cookiesEnv, proxy: null, sessionRef: `${site}/${sessionKeyFor(cfg.id, 'default')}` }];
    return [];
  }

  /** Bring the table in line with sources.yaml for one source (config accounts added, refreshed or dropped; logged-in ones kept). */
  register(cfg: SourceConfig, adapter: AnyAdapter, at: Date): AccountRow[] {
    const wanted = this.configAccounts(cfg, adapter);
    for (const f of wanted) this.o.store.upsertConfig(f, at);
    for (const gone of this.o.store.pruneConfig(cfg.id, wanted.map((f) => f.name))) this.jars.delete(gone.id);
    return this.o.store.list(cfg.id);
  }

  list(sourceId: string): AccountRow[] { return this.o.store.list(sourceId); }

  pick(sourceId: string, skip: ReadonlySet<number> = new Set()): AccountRow | null {
    return pickAccount(this.o.store.list(sourceId), skip);
  }

  noAccountError(sourceId: string, url: string): BlockedError { return new BlockedError(this.noAccountMessage(sourceId), url); }

  /** Why no account could be picked, for the blocked run's message. */
  noAccountMessage(sourceId: string): string {
    const all = this.o.store.list(sourceId);
    if (!all.length) return `source ${sourceId} has no account: log one in with the QR code on the source page (or give a cookie with cookiesEnv)`;
    const states = all.map((a) => `${a.name} (${a.state}${a.stateReason ? `: ${a.stateReason.slice(0, 80)}` : ''})`).join(', ');
    return `no usable account for source ${sourceId}: ${states}; log in again with the QR code on the source page, or resume after solving the captcha`;
  }

  /** The account's cookie jar, kept across runs (rebuilt when the account was logged in again or resumed). */
  jarFor(acct: RunAccount, adapter: AnyAdapter, sourceUrl: string): CookieJar {
    const stamp = `${acct.stateAt ?? ''}|${acct.sessionRef ?? ''}|${acct.cookiesEnv ?? ''}`;
    const had = this.jars.get(acct.id);
    if (had && had.stamp === stamp && !had.jar.retired) return had.jar;
    const jar = accountJar(acct, adapter, sourceUrl, this.o);
    this.jars.set(acct.id, { jar, stamp });
    return jar;
  }

  /** The saved session's name a browser-session request runs under, or null. */
  sessionAccountOf(acct: RunAccount): string | null {
    return acct.sessionRef ? splitRef(acct.sessionRef).key : null;
  }

  markUsed(acct: RunAccount, at: Date): void { this.o.store.markUsed(acct.id, at); }

  /**
   * The end of a run with `acct`: its error score is kept; a block retires it (a captcha pauses it).
   * Returns the `account` health event to send when its state changed, else null.
   */
  settle(acct: RunAccount, jar: CookieJar, blocked: BlockedError | null, at: Date): SourceHealthEvent | null {
    const score = Math.min(MAX_ERROR_SCORE, Math.max(0, jar.errorScore));
    const v = accountVerdict(blocked, score);
    if (v.state === 'active') {
      this.o.store.recordRun(acct.id, score, !blocked, at);
      return null;
    }
    this.o.store.setState(acct.id, v.state, v.reason, v.state === 'retired' ? MAX_ERROR_SCORE : score, at);
    return this.changed(acct, v, at);
  }

  /**
   * Queue mode: the active accounts of a source as a job carries them to a worker, in the order a
   * run here would try them (names, session references, cookie variables' names, proxies; no
   * cookie or session content). The first is the one the run uses; the others take over, in turn,
   * when it is blocked.
   */
  queueOrder(sourceId: string, at: Date): QueuedAccount[] {
    return accountOrder(this.o.store.list(sourceId)).map((a) => ({ queuedAt: at.toISOString(),
      id: a.id, sourceId: a.sourceId, name: a.name, sessionRef: a.sessionRef, cookiesEnv: a.cookiesEnv, proxy: a.proxy, errorScore: a.errorScore, stateAt: a.stateAt,
      sessionSaved: !!a.sessionRef && this.o.sessions.exists(splitRef(a.sessionRef).site, splitRef(a.sessionRef).key),
    }));
  }

  /**
   * Queue mode: what a worker's run met with one account, applied as settle() applies a run's end
   * here (error score, pause, retirement, the health event to send). Applied once: only while the
   * account is active with the state it was queued with (a second report of a retried job, or a
   * report that arrives after a person resumed or logged in the account, changes nothing; nor does
   * a good run's score once a later job was queued with the account). A fallback account's use is
   * counted here (the job's first account was counted when queued), unless the account was used
   * again since the job was queued. `unavailable` (the worker had neither its session file nor its
   * cookie) leaves the account alone.
   */
  applyOutcome(o: AccountOutcome, at: Date): SourceHealthEvent | null {
    if (o.outcome === 'unavailable') return null;
    const acct = this.o.store.get(o.id);
    if (!acct || acct.sourceId !== o.sourceId) return null; // removed since
    const ev = this.applyVerdict(acct, o, at);
    if (!o.primary) this.o.store.markUsedSince(o.id, o.queuedAt, at);
    return ev;
  }

  private applyVerdict(acct: AccountRow, o: AccountOutcome, at: Date): SourceHealthEvent | null {
    const score = Math.min(MAX_ERROR_SCORE, Math.max(0, o.errorScore));
    const block: AccountBlock | null = o.outcome === 'captcha' ? { kind: 'captcha', message: o.reason ?? 'captcha' }
      : o.outcome === 'login-required' ? { kind: 'login', message: o.reason ?? 'login required' }
        : o.outcome === 'blocked' ? { kind: 'blocked', message: o.reason ?? 'blocked' } : null;
    const v = accountVerdict(block, score);
    if (v.state === 'active') {
      this.o.store.recordRunIfCurrent(o.id, o.stateAt, o.queuedAt, score, true, at);
      return null;
    }
    if (!this.o.store.setStateIfState(o.id, o.stateAt, v.state, v.reason, v.state === 'retired' ? MAX_ERROR_SCORE : score, at)) return null;
    return this.changed(acct, v, at);
  }

  /** An account left the rotation: its jar goes, and the event tells the desk. */
  private changed(acct: Pick<RunAccount, 'id' | 'sourceId' | 'name'>, v: { state: AccountState; reason: string | null }, at: Date): SourceHealthEvent {
    this.jars.delete(acct.id);
    const left = this.o.store.list(acct.sourceId).filter((a) => a.state === 'active').length;
    const what = v.state === 'paused' ? 'paused: a captcha waits for a person (solve it, then resume the source)' : 'retired';
    return { sourceId: acct.sourceId, at: at.toISOString(), kind: 'account', account: { name: acct.name, state: v.state as 'paused' | 'retired' }, message: `account '${acct.name}' ${what}: ${v.reason}; ${left} active account${left === 1 ? '' : 's'} left` };
  }

  /**
   * A person cleared what stopped the source: paused accounts (captcha) become active again, their
   * saved sessions' captcha flags cleared. With `account`, that one account whatever its state (a
   * retired one whose cookie was refreshed). Returns the accounts resumed.
   */
  resume(sourceId: string, at: Date, account?: string): AccountRow[] {
    const all = this.o.store.list(sourceId);
    let targets: AccountRow[];
    if (account !== undefined) {
      const a = all.find((x) => x.name === account);
      if (!a) throw new AccountNotFoundError(`source ${sourceId} has no account '${account}'`, all.length ? `its accounts: ${all.map((x) => x.name).join(', ')}` : 'it has no accounts');
      targets = [a];
    } else targets = all.filter((a) => a.state === 'paused');
    for (const a of targets) {
      this.o.store.setState(a.id, 'active', null, 0, at);
      this.jars.delete(a.id);
    }
    // a captcha flag left in a saved session (set before the pool, or while the table said active) would stop the next run again
    for (const a of account !== undefined ? targets : all.filter((x) => x.state !== 'retired')) {
      if (a.sessionRef) { const { site, key } = splitRef(a.sessionRef); this.o.sessions.clearChallenge(site, key); }
    }
    return targets.map((a) => this.o.store.get(a.id)!);
  }

  /** Remove an account; its saved session goes too unless another account uses the same one. */
  remove(sourceId: string, accountId: number): AccountRow {
    const a = this.o.store.get(accountId);
    if (!a || a.sourceId !== sourceId) throw new AccountNotFoundError(`source ${sourceId} has no account #${accountId}`);
    this.o.store.remove(a.id);
    this.jars.delete(a.id);
    if (a.sessionRef && this.o.store.othersUsingSession(a.sessionRef, a.id) === 0) {
      const { site, key } = splitRef(a.sessionRef);
      this.o.sessions.remove(site, key);
    }
    return a;
  }

  /** A QR login saved a session for `name`: the account is (again) active, with a clean score. */
  saveLogin(sourceId: string, name: string, sessionRef: string, proxy: string | null, at: Date): AccountRow {
    const a = this.o.store.saveLogin({ sourceId, name, sessionRef, proxy }, at);
    this.jars.delete(a.id);
    return a;
  }

  /** The saved session an account of this name uses or would use after a QR login. */
  sessionRefFor(sourceId: string, name: string, site: string): string {
    return this.o.store.byName(sourceId, name)?.sessionRef ?? `${site}/${sessionKeyFor(sourceId, name)}`;
  }

  view(a: AccountRow): AccountView {
    let session: AccountView['session'] = null;
    if (a.sessionRef) {
      const { site, key } = splitRef(a.sessionRef);
      const saved = this.o.sessions.exists(site, key);
      const st = saved ? this.o.sessions.load(site, key) : null;
      session = { saved, savedAt: st?.savedAt ?? null, cookies: st?.cookies.length ?? 0 };
    }
    return {
      id: a.id, name: a.name, origin: a.origin, state: a.state, reason: a.stateReason, stateAt: a.stateAt, errorScore: a.errorScore, uses: a.uses,
      lastUsedAt: a.lastUsedAt, lastOkAt: a.lastOkAt, session,
      cookiesEnv: a.cookiesEnv ? { name: a.cookiesEnv, set: !!this.o.lookupSecret?.(a.cookiesEnv) } : null,
      proxy: maskProxy(a.proxy),
    };
  }
}
