// The account pool in queue mode, on the crawl worker's side. The monitor picks the accounts when
// it queues a run (account-pool.ts queueOrder: the active ones, least recently used first) and the
// job carries them as QueuedAccount: names, the saved session's reference, the cookie variable's
// name, the proxy, never a cookie or a session's content. A worker runs the job through JobAccounts,
// the same rotation loop as a run in the monitor's process (scheduler.ts crawlWithAccounts): the
// first account crawls, and when it is blocked the next takes over. Each account's cookie jar is
// built in the worker from what it holds itself (the session file by reference under its
// data/sessions, its own environment's cookie variable) and kept across jobs.
//
// What each account met comes back in the run summary as an AccountOutcome (ok, error, captcha,
// login-required, blocked), and the monitor applies it to the pool (AccountPool.applyOutcome):
// the worker changes no account and tells the desk nothing itself.
//
// An account whose material is not on this worker (the monitor has its session file, or it names
// a cookie variable, and this worker has neither) is `unavailable`: it is skipped without touching
// the site and without counting against the account; with none usable the run fails with an
// AdapterConfigError that says what to copy or set.
import type { AnyAdapter } from './adapter.js';
import { accountJar, accountVerdict, blockOf, splitRef, type JarSources, type RunAccount, type RunAccounts } from './account-pool.js';
import type { CookieJar } from './cookie-jar.js';
import { AdapterConfigError, BlockedError, type CrawlError } from './errors.js';
import type { SourceHealthEvent } from './source-health.js';

/** An account as a queued job carries it to a worker: no secret. */
export interface QueuedAccount extends RunAccount {
  /** the monitor had the account's saved session file when it queued the job */
  sessionSaved: boolean;
  /** when the monitor queued the job (its clock; the first account was marked used then) */
  queuedAt: string;
}

/** What a worker's run met with one account (in the run summary it reports). */
export interface AccountOutcome {
  id: number;
  sourceId: string;
  name: string;
  /**
   * ok; error (the run raised its error score: 429s, refusals); captcha (pauses it);
   * login-required (a login page: retires it); blocked (401/403/461, the platform's "log in"
   * answer: retires it); unavailable (not on this worker: left alone)
   */
  outcome: 'ok' | 'error' | 'captcha' | 'login-required' | 'blocked' | 'unavailable';
  /** the block's message, or why the account was unavailable */
  reason: string | null;
  /** the cookie jar's error score at the run's end */
  errorScore: number;
  /** the account's state_at as queued: the monitor applies the outcome only while it is unchanged */
  stateAt: string | null;
  /** when the monitor queued the job (its clock) */
  queuedAt: string;
  /** the job's first account (counted as used when queued; the others when their outcome is applied) */
  primary: boolean;
}

interface CachedJar { jar: CookieJar; stamp: string }

/** A worker's cookie jars of pool accounts, by account id, kept across jobs. */
export type AccountJarCache = Map<number, CachedJar>;

export interface JobAccountsOptions extends JarSources {
  /** the job's accounts, in the order to try them */
  accounts: readonly QueuedAccount[];
  /** jars kept by the worker across jobs */
  jars: AccountJarCache;
}

/** One queued job's accounts, for one run in a worker (scheduler.ts runNow's `accounts`). */
export class JobAccounts implements RunAccounts {
  private readonly outcomes = new Map<number, AccountOutcome>();
  private readonly startScore = new Map<number, number>();

  constructor(private readonly o: JobAccountsOptions) {}

  pick(_sourceId: string, skip: ReadonlySet<number>): QueuedAccount | null {
    for (const a of this.o.accounts) {
      if (skip.has(a.id) || this.outcomes.has(a.id)) continue;
      const missing = this.missing(a);
      if (missing) { this.record(a, 'unavailable', missing, a.errorScore); continue; }
      this.clearResolvedChallenge(a);
      return a;
    }
    return null;
  }

  noAccountError(sourceId: string, url: string): CrawlError {
    const unavailable = [...this.outcomes.values()].filter((x) => x.outcome === 'unavailable');
    if (unavailable.length) return new AdapterConfigError(`source ${sourceId}: no account of this job can be used on this worker: ${unavailable.map((x) => x.reason).join('; ')}`, url);
    return new BlockedError(`source ${sourceId}: the job carried no usable account`, url);
  }

  jarFor(acct: RunAccount, adapter: AnyAdapter, sourceUrl: string): CookieJar {
    const stamp = `${acct.stateAt ?? ''}|${acct.sessionRef ?? ''}|${acct.cookiesEnv ?? ''}`;
    const had = this.o.jars.get(acct.id);
    let jar: CookieJar;
    if (had && had.stamp === stamp && !had.jar.retired) jar = had.jar;
    else {
      jar = accountJar(acct, adapter, sourceUrl, this.o);
      this.o.jars.set(acct.id, { jar, stamp });
    }
    jar.errorScore = acct.errorScore; // the monitor's score is the account's (other workers' runs count too)
    this.startScore.set(acct.id, acct.errorScore);
    return jar;
  }

  sessionAccountOf(acct: RunAccount): string | null {
    return acct.sessionRef ? splitRef(acct.sessionRef).key : null;
  }

  /** the monitor counts uses (when queuing, and when it applies a fallback's outcome) */
  markUsed(): void {}

  settle(acct: RunAccount, jar: CookieJar, blocked: BlockedError | null, _at: Date): SourceHealthEvent | null {
    const queued = this.o.accounts.find((a) => a.id === acct.id);
    if (!queued) return null; // not one of this job's (pick never returns another)
    const b = blockOf(blocked);
    const score = jar.errorScore;
    const outcome: AccountOutcome['outcome'] = b?.kind === 'captcha' ? 'captcha' : b?.kind === 'login' ? 'login-required' : b ? 'blocked'
      : score > (this.startScore.get(acct.id) ?? 0) ? 'error' : 'ok';
    this.record(queued, outcome, b?.message ?? null, score);
    if (accountVerdict(b, score).state !== 'active') this.o.jars.delete(acct.id);
    return null; // the monitor sends the health event when it applies the outcome
  }

  /** What each account of the job met, in the order they were tried. */
  results(): AccountOutcome[] {
    return [...this.outcomes.values()];
  }

  private record(a: QueuedAccount, outcome: AccountOutcome['outcome'], reason: string | null, errorScore: number): void {
    this.outcomes.set(a.id, {
      id: a.id, sourceId: a.sourceId, name: a.name, outcome, reason, errorScore, stateAt: a.stateAt, queuedAt: a.queuedAt,
      primary: this.o.accounts[0]?.id === a.id,
    });
  }

  /** Why this worker cannot crawl with the account (it lacks the session file and the cookie the account needs), or null. */
  private missing(a: QueuedAccount): string | null {
    const hasCookie = !!a.cookiesEnv && !!this.o.lookupSecret?.(a.cookiesEnv);
    const ref = a.sessionRef ? splitRef(a.sessionRef) : null;
    const hasFile = !!ref && this.o.sessions.exists(ref.site, ref.key);
    if (hasCookie || hasFile || (!a.sessionSaved && !a.cookiesEnv)) return null;
    const wants = [a.sessionSaved && ref ? `its saved session ${this.o.sessions.file(ref.site, ref.key)} (copy it from the monitor's machine, mode 0600)` : null,
      a.cookiesEnv ? `its cookie variable ${a.cookiesEnv} (set it in this worker's environment)` : null].filter(Boolean);
    return `account '${a.name}' needs ${wants.join(' or ')}`;
  }

  /**
   * A captcha flag a run on this worker left in the account's session file, older than the
   * account's last state change in the monitor (a person resumed it since), is cleared: the
   * monitor's resume clears the file on its own machine only.
   */
  private clearResolvedChallenge(a: QueuedAccount): void {
    if (!a.sessionRef || !a.stateAt) return;
    const { site, key } = splitRef(a.sessionRef);
    if (!this.o.sessions.exists(site, key)) return;
    const flag = this.o.sessions.load(site, key).challenge;
    if (flag && flag.at < a.stateAt) this.o.sessions.clearChallenge(site, key);
  }
}
