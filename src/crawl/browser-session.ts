// Logged-in browser sessions for platforms that sign their API requests (xhs, douyin, kuaishou):
// instead of re-implementing a signature, the site's own page runs in Chromium (through the guarded
// renderer, browser-renderer.ts) and the JSON answers of its own XHR/fetch calls are read
// (puppeteer response events). This module owns:
// - the spec an adapter puts in a request's meta.session (which API paths to keep, what a captcha or
//   login page looks like: site knowledge stays in the adapter);
// - the session store: per platform and account, the cookies and localStorage saved after every
//   run and restored before the next (data/sessions/<site>/<account>.json, mode 0600), plus a
//   "needs a person" flag;
// - challenge handling: a captcha or login page flags the account and throws SessionChallengeError
//   (a ChallengeError, errors.ts, so a BlockedError: the runner retires the session, the source
//   shows as blocked with the reason, and the blocked health event tells the desk). While the
//   flag is set the account is not opened again, so the cool-down retries of the scheduler do not
//   hammer the site; a person clears it after solving the captcha or logging in (the source page's
//   resume button or `flarewatch source resume`, account-pool.ts, which call `clearChallenge`);
// - the page the adapter parses: a JSON envelope of the captured answers (capturedResponses()).
import { mkdirSync, readFileSync, writeFileSync, renameSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HTTPResponse, Page as PuppeteerPage } from 'puppeteer';
import type { Page } from './adapter.js';
import { ChallengeError, ParseError } from './errors.js';

export interface ChallengeSigns {
  /** substrings of the document URL that mean this page */
  urls?: string[];
  /** texts shown on such a page (checked in the visible body text) */
  texts?: string[];
}

export interface BrowserSessionSpec {
  /** platform id used for the store folder (xhs, douyin, kuaishou) */
  site: string;
  /** account name: one saved session per account */
  account: string;
  /** substrings of API paths whose JSON answers are kept (e.g. /api/sns/web/v1/search/notes) */
  capture: string[];
  captcha?: ChallengeSigns;
  login?: ChallengeSigns;
  /** HTTP statuses of captured API calls that mean a verification wall (e.g. xhs 461) */
  challengeStatuses?: number[];
  /** extra wait after the page settled, for late XHRs (ms, default 1000) */
  settleMs?: number;
}

export interface SavedCookie { name: string; value: string; domain: string; path: string; expires?: number; httpOnly?: boolean; secure?: boolean; sameSite?: 'Strict' | 'Lax' | 'None' }

export interface SessionState {
  cookies: SavedCookie[];
  /** origin -> key -> value */
  localStorage: Record<string, Record<string, string>>;
  savedAt: string | null;
  /** set when a captcha or login wall was met: the account waits for a person */
  challenge: { kind: 'captcha' | 'login'; at: string; url: string } | null;
}

export interface CapturedResponse { url: string; status: number; body: unknown }

const ENVELOPE = 'flarewatch-browser-session';

/** A captcha or login wall met in a browser session: the account waits for a person. */
export class SessionChallengeError extends ChallengeError {
  override name = 'SessionChallengeError';
  constructor(kind: 'captcha' | 'login', readonly site: string, readonly account: string, url?: string) {
    super(kind, `${site}: ${kind === 'captcha' ? 'a captcha' : 'a login page'} appeared for account '${account}'${url ? ` at ${url}` : ''}; the source is paused until a person ${kind === 'captcha' ? 'solves it' : 'logs in again'} (then resume it: the source page's button, or flarewatch source resume)`, url);
  }
}

export function isSessionSpec(v: unknown): v is BrowserSessionSpec {
  const s = v as BrowserSessionSpec;
  return !!s && typeof s === 'object' && typeof s.site === 'string' && typeof s.account === 'string' && Array.isArray(s.capture);
}

const safeName = (s: string) => s.replace(/[^\w.-]/g, '_').slice(0, 60) || '_';

/** Saved sessions on disk, one JSON file per site and account. */
export class SessionStore {
  constructor(readonly dir: string) {}

  file(site: string, account: string): string {
    return join(this.dir, safeName(site), `${safeName(account)}.json`);
  }

  load(site: string, account: string): SessionState {
    const f = this.file(site, account);
    const empty: SessionState = { cookies: [], localStorage: {}, savedAt: null, challenge: null };
    if (!existsSync(f)) return empty;
    try {
      const j = JSON.parse(readFileSync(f, 'utf8')) as Partial<SessionState>;
      return { cookies: Array.isArray(j.cookies) ? j.cookies : [], localStorage: j.localStorage && typeof j.localStorage === 'object' ? j.localStorage : {}, savedAt: j.savedAt ?? null, challenge: j.challenge ?? null };
    } catch {
      return empty;
    }
  }

  save(site: string, account: string, state: SessionState): void {
    const f = this.file(site, account);
    mkdirSync(join(this.dir, safeName(site)), { recursive: true, mode: 0o700 });
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 1), { mode: 0o600 });
    renameSync(tmp, f);
  }

  /** A person solved the captcha or logged in: the account may be used again. */
  clearChallenge(site: string, account: string): void {
    if (!existsSync(this.file(site, account))) return;
    this.save(site, account, { ...this.load(site, account), challenge: null });
  }

  exists(site: string, account: string): boolean {
    return existsSync(this.file(site, account));
  }

  /** Forget a saved session (its account was removed). */
  remove(site: string, account: string): void {
    rmSync(this.file(site, account), { force: true });
  }
}

/** The captured API answers of a session page (what the adapter parses). */
export function capturedResponses(page: Page): CapturedResponse[] {
  let j: unknown;
  try {
    j = JSON.parse(page.text);
  } catch {
    throw new ParseError(`expected a browser-session capture for ${page.url}, got ${/^\s*</.test(page.text) ? 'HTML' : 'something else'}`, page.url);
  }
  const env = j as { kind?: string; responses?: CapturedResponse[] };
  if (env?.kind !== ENVELOPE || !Array.isArray(env.responses)) throw new ParseError(`expected a browser-session capture for ${page.url}`, page.url);
  return env.responses;
}

const matches = (s: string, subs: string[] | undefined) => !!subs?.some((x) => x && s.includes(x));

/**
 * One session run on a puppeteer page, in two halves around the renderer's navigation:
 * `before` restores the saved state and starts capturing; `after` waits for late answers, looks
 * for a challenge, saves the state and returns the page text (the capture envelope).
 */
export class SessionRun {
  private readonly captured: CapturedResponse[] = [];
  private readonly pending: Promise<void>[] = [];
  private challengeStatus: number | null = null;
  private readonly state: SessionState;

  constructor(private readonly spec: BrowserSessionSpec, private readonly store: SessionStore, private readonly now: () => Date = () => new Date()) {
    this.state = store.load(spec.site, spec.account);
    const c = this.state.challenge;
    if (c) throw new SessionChallengeError(c.kind, spec.site, spec.account, c.url);
  }

  /** `seedCookies`: a Cookie header from the source's config (cookiesEnv); saved cookies of the same name win */
  async before(page: PuppeteerPage, startUrl: string, seedCookies: string | null = null): Promise<void> {
    if (this.state.cookies.length) await page.setCookie(...this.state.cookies.map((c) => ({ ...c, expires: c.expires && c.expires > 0 ? c.expires : undefined })));
    if (seedCookies) {
      const host = new URL(startUrl).hostname;
      // the whole site (edith.xiaohongshu.com for www.xiaohongshu.com): the last two labels of a name
      const domain = /^[\d.]+$|^\[|^localhost$/.test(host) ? host : `.${host.split('.').slice(-2).join('.')}`;
      const have = new Set(this.state.cookies.map((c) => c.name));
      const seeds = seedCookies.split(/;\s*/).map((kv) => kv.split('=')).filter(([k, ...v]) => k && v.length && !have.has(k.trim()))
        .map(([k, ...v]) => ({ name: k.trim(), value: v.join('=').trim(), domain, path: '/' }));
      if (seeds.length) await page.setCookie(...seeds);
    }
    const origin = new URL(startUrl).origin;
    const ls = this.state.localStorage[origin];
    if (ls && Object.keys(ls).length) {
      await page.evaluateOnNewDocument((o: string, entries: [string, string][]) => {
        try {
          if (location.origin === o) for (const [k, v] of entries) localStorage.setItem(k, v);
        } catch { /* storage refused */ }
      }, origin, Object.entries(ls));
    }
    page.on('response', (r: HTTPResponse) => {
      const url = r.url();
      let path: string;
      try { path = new URL(url).pathname; } catch { return; }
      if (!matches(path, this.spec.capture)) return;
      const req = r.request();
      if (req.method() === 'OPTIONS') return;
      if (this.spec.challengeStatuses?.includes(r.status())) this.challengeStatus = r.status();
      this.pending.push(r.text().then((t) => {
        try { this.captured.push({ url, status: r.status(), body: JSON.parse(t) }); } catch { /* not JSON: not an API answer */ }
      }, () => undefined));
    });
  }

  async after(page: PuppeteerPage): Promise<{ text: string; contentType: string }> {
    await new Promise((r) => setTimeout(r, this.spec.settleMs ?? 1000));
    await Promise.all(this.pending);
    const docUrl = page.url();
    const bodyText = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    const kind: 'captcha' | 'login' | null =
      matches(docUrl, this.spec.captcha?.urls) || this.challengeStatus != null || (!this.captured.length && matches(bodyText, this.spec.captcha?.texts)) ? 'captcha'
        : matches(docUrl, this.spec.login?.urls) || (!this.captured.length && matches(bodyText, this.spec.login?.texts)) ? 'login' : null;
    await this.saveState(page, kind ? { kind, at: this.now().toISOString(), url: docUrl } : null);
    if (kind) throw new SessionChallengeError(kind, this.spec.site, this.spec.account, docUrl);
    return { text: JSON.stringify({ kind: ENVELOPE, document: { url: docUrl }, responses: this.captured }), contentType: 'application/json; charset=utf-8' };
  }

  private async saveState(page: PuppeteerPage, challenge: SessionState['challenge']): Promise<void> {
    // saved by someone else since this run loaded it (a QR login of the same account, qr-login.ts):
    // that session is newer than what this page holds, so it is kept as it is
    if (this.store.load(this.spec.site, this.spec.account).savedAt !== this.state.savedAt) return;
    let cookies = this.state.cookies;
    let local = this.state.localStorage;
    try {
      const client = await page.createCDPSession();
      const got = await client.send('Network.getAllCookies') as { cookies: SavedCookie[] };
      await client.detach();
      cookies = got.cookies.map(({ name, value, domain, path, expires, httpOnly, secure, sameSite }) => ({ name, value, domain, path, expires, httpOnly, secure, ...(sameSite ? { sameSite } : {}) }));
      const origin = new URL(page.url()).origin;
      const entries = await page.evaluate(() => {
        const out: [string, string][] = [];
        try { for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i)!; out.push([k, localStorage.getItem(k) ?? '']); } } catch { /* none */ }
        return out;
      });
      if (/^https?:/.test(origin)) local = { ...local, [origin]: Object.fromEntries(entries) };
    } catch { /* the page went away: keep what was saved */ }
    this.store.save(this.spec.site, this.spec.account, { cookies, localStorage: local, savedAt: this.now().toISOString(), challenge });
  }
}
