// QR-code login from the dashboard's source page. An admin asks to log an account of a source in;
// this module opens the platform's login page (the adapter's LoginSpec, login-spec.ts) in
// Chromium, through the account's proxy, finds the QR code (the code's element, else the login
// panel, else the visible page) and keeps a PNG of it that the dashboard shows and refreshes. It
// then looks at the page every second until one of the platform's login cookies appears (or
// changes from its value when the code was shown): the session (cookies and localStorage) is
// saved as that account's (browser-session.ts, file mode 0600) and the account joins the source's
// pool (account-pool.ts), active. A code past its lifetime, or one the page says expired, ends
// the attempt as `expired` (the admin asks for a new one). One attempt per source at a time; the
// browser closes when no attempt is left. Nothing of the session is logged or returned.
import { randomBytes } from 'node:crypto';
import type { CDPSession, Page as PuppeteerPage } from 'puppeteer';
import type { AnyAdapter } from './adapter.js';
import type { SourceConfig } from './sources-config.js';
import type { LoginSpecField, LoginSpec } from './login-spec.js';
import { loginUrlFor } from './login-spec.js';
import type { SavedCookie, SessionStore } from './browser-session.js';
import { ACCOUNT_NAME, type AccountPool } from './account-pool.js';
import type { RenderNetOptions } from './browser-renderer.js';
import { USER_AGENT } from './page-fetcher.js';
import { UserError } from '../core/errors.js';

export type LoginState = 'starting' | 'waiting' | 'expired' | 'done' | 'failed' | 'cancelled';

/** What the dashboard sees of an attempt (no cookie, no page content). */
export interface LoginView {
  id: string;
  sourceId: string;
  account: string;
  state: LoginState;
  startedAt: string;
  /** when the current code was first shown, and when it stops being good */
  qrAt: string | null;
  expiresAt: string | null;
  /** goes up whenever a new picture of the code is taken (the page's <img> asks again) */
  qrVersion: number;
  /** what the picture shows: the code itself, the login panel, or the visible page (the code was not found by its selector) */
  capture: 'qr' | 'panel' | 'page' | null;
  message: string | null;
  /** which of the adapter's login settings are guessed (not checked against the live site) */
  guessed: LoginSpecField[];
}

/** A login cannot start (no QR login for this adapter, a bad account name or proxy, too many at once): 400/409/429 for the API. */
export class LoginRequestError extends UserError {
  override name = 'LoginRequestError';
  constructor(message: string, hint?: string, readonly status = 400) { super(message, hint); }
}

/** The part of BrowserRenderer a login needs (tests may pass another). */
export interface LoginBrowser {
  openPage(userAgent: string | null, net?: RenderNetOptions): Promise<{ page: PuppeteerPage; close(): Promise<void> }>;
  close(): Promise<void>;
}

export interface QrLoginOptions {
  pool: AccountPool;
  sessions: SessionStore;
  /** where login pages open (default: a BrowserRenderer of its own with `executablePath`) */
  browser?: LoginBrowser;
  executablePath?: string | null;
  /** the default proxy (HTTPS_PROXY) when neither the account nor the source has one */
  defaultProxy?: string | null;
  now?: () => Date;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
  /** ms between looks at the page (default 1000) */
  pollMs?: number;
  /** ms between pictures of the code (default 2000) */
  refreshMs?: number;
  /** ms to load the page and find the code (default 30000) */
  openTimeoutMs?: number;
  /** ms a finished attempt stays visible (default 10 minutes) */
  keepMs?: number;
  /** attempts at once, all sources together (default 3) */
  maxAttempts?: number;
  /** the audit trail: a login that finished saves its account (actor: who asked for the code) */
  audit?: (actor: string | null, action: string, target: string, detail: unknown) => void;
}

interface Attempt {
  view: LoginView;
  spec: LoginSpec;
  png: Buffer | null;
  sessionRef: string;
  proxy: string | null;
  actor: string | null;
  close: (() => Promise<void>) | null;
  timer: NodeJS.Timeout | null;
  stopped: boolean;
  lastSnap: number;
}

const ACTIVE: ReadonlySet<LoginState> = new Set(['starting', 'waiting']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the API needs of logins (QrLoginManager; tests may pass another). */
export type LoginService = Pick<QrLoginManager, 'start' | 'status' | 'qr' | 'cancel'>;

export class QrLoginManager {
  private readonly attempts = new Map<string, Attempt>();
  private browser: LoginBrowser | null;
  private readonly now: () => Date;

  constructor(private readonly o: QrLoginOptions) {
    this.browser = o.browser ?? null;
    this.now = o.now ?? (() => new Date());
  }

  /** Start logging an account of `cfg` in (a new code replaces an attempt already running for the source). */
  async start(cfg: SourceConfig, adapter: AnyAdapter, req: { account?: string; proxy?: string | null } = {}, actor: string | null = null): Promise<LoginView> {
    const spec = adapter.login;
    if (!spec) throw new LoginRequestError(`adapter ${adapter.id} has no QR login`, 'QR login exists for xhs, douyin, kuaishou and zhihu sources');
    const name = req.account?.trim() || this.freeName(cfg.id);
    if (!ACCOUNT_NAME.test(name)) throw new LoginRequestError(`account name '${name}' is not allowed`, 'letters, digits, . _ - (at most 40)');
    if (req.proxy && !/^http:\/\/[^\s]+$/.test(req.proxy)) throw new LoginRequestError('the proxy must be an http:// URL');
    this.cancel(cfg.id);
    const running = [...this.attempts.values()].filter((a) => ACTIVE.has(a.view.state)).length;
    if (running >= (this.o.maxAttempts ?? 3)) throw new LoginRequestError('too many logins in progress', 'finish or cancel one first', 429);
    const existing = this.o.pool.list(cfg.id).find((a) => a.name === name);
    const at = this.now();
    const a: Attempt = {
      view: { id: randomBytes(6).toString('hex'), sourceId: cfg.id, account: name, state: 'starting', startedAt: at.toISOString(), qrAt: null, expiresAt: null,
        qrVersion: 0, capture: null, message: null, guessed: [...(spec.guessed ?? [])] },
      spec, png: null, sessionRef: this.o.pool.sessionRefFor(cfg.id, name, spec.site),
      proxy: req.proxy ?? existing?.proxy ?? null, actor, close: null, timer: null, stopped: false, lastSnap: 0,
    };
    this.attempts.set(cfg.id, a);
    const upstream = a.proxy ?? cfg.proxy ?? this.o.defaultProxy ?? null;
    void this.open(a, loginUrlFor(spec, cfg.url), upstream).catch((e: Error) => this.fail(a, `could not open the login page: ${e.message.split('\n')[0]}`));
    return { ...a.view };
  }

  status(sourceId: string): LoginView | null {
    const a = this.attempts.get(sourceId);
    return a ? { ...a.view } : null;
  }

  /** The latest picture of the code, while the attempt waits for a scan. */
  qr(sourceId: string): { png: Buffer; version: number } | null {
    const a = this.attempts.get(sourceId);
    return a?.png && a.view.state === 'waiting' ? { png: a.png, version: a.view.qrVersion } : null;
  }

  cancel(sourceId: string): boolean {
    const a = this.attempts.get(sourceId);
    if (!a) return false;
    if (ACTIVE.has(a.view.state)) { a.view.state = 'cancelled'; a.view.message = 'cancelled'; }
    void this.end(a);
    this.attempts.delete(sourceId);
    return true;
  }

  async close(): Promise<void> {
    const all = [...this.attempts.values()];
    this.attempts.clear();
    for (const a of all) if (ACTIVE.has(a.view.state)) { a.view.state = 'cancelled'; a.view.message = 'cancelled'; }
    await Promise.all(all.map((a) => this.end(a)));
    await this.browser?.close();
  }

  private freeName(sourceId: string): string {
    const taken = new Set(this.o.pool.list(sourceId).map((a) => a.name));
    let n = 1;
    while (taken.has(`qr-${n}`)) n++;
    return `qr-${n}`;
  }

  private async getBrowser(): Promise<LoginBrowser> {
    if (!this.browser) {
      const { BrowserRenderer } = await import('./browser-renderer.js');
      this.browser = new BrowserRenderer({ executablePath: this.o.executablePath ?? null });
    }
    return this.browser;
  }

  private async open(a: Attempt, url: string, upstream: string | null): Promise<void> {
    const handle = await (await this.getBrowser()).openPage(USER_AGENT, { upstreamProxy: upstream });
    a.close = handle.close;
    if (a.stopped) return void (await this.end(a));
    const page = handle.page;
    const timeout = this.o.openTimeoutMs ?? 30_000;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    const capture = await this.findCode(page, a.spec, timeout);
    if (a.stopped) return;
    const client = await page.createCDPSession();
    const baseline = await loginCookies(client, a.spec);
    a.view.capture = capture;
    await this.snap(a, page);
    const at = this.now();
    a.view.state = 'waiting';
    a.view.qrAt = at.toISOString();
    a.view.expiresAt = new Date(at.getTime() + (a.spec.qrLifetimeMs ?? 120_000)).toISOString();
    a.view.message = capture === 'qr' ? null : `the QR code was not found by its selector (${a.spec.qrSelector}); showing the ${capture === 'panel' ? 'login panel' : 'page'} instead`;
    this.o.log?.('info', `source ${a.view.sourceId}: QR login for account '${a.view.account}' waiting for a scan`);
    this.schedule(a, page, client, baseline);
  }

  /** The code's element, else the login panel (after clicking the button that opens it), else the page. */
  private async findCode(page: PuppeteerPage, spec: LoginSpec, timeoutMs: number): Promise<'qr' | 'panel' | 'page'> {
    const visible = (sel: string, ms: number) => page.waitForSelector(sel, { visible: true, timeout: ms }).then((el) => !!el, () => false);
    if (await visible(spec.qrSelector, Math.min(8000, timeoutMs))) return 'qr';
    if (spec.openSelector) {
      const button = await page.$(spec.openSelector).catch(() => null);
      if (button) {
        await button.click().catch(() => undefined);
        if (await visible(spec.qrSelector, Math.min(8000, timeoutMs))) return 'qr';
      }
    }
    if (spec.panelSelector && (await page.$(spec.panelSelector).catch(() => null))) return 'panel';
    return 'page';
  }

  /** A PNG of the code (with a margin: scanners want a quiet zone), of the panel, or of the visible page. */
  private async snap(a: Attempt, page: PuppeteerPage): Promise<void> {
    const sel = a.view.capture === 'qr' ? a.spec.qrSelector : a.view.capture === 'panel' ? a.spec.panelSelector : null;
    const box = sel ? await page.$(sel).then((el) => el?.boundingBox() ?? null, () => null) : null;
    const pad = 12;
    const png = Buffer.from(box && box.width > 0 && box.height > 0
      ? await page.screenshot({ type: 'png', clip: { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad), width: box.width + 2 * pad, height: box.height + 2 * pad } })
      : await page.screenshot({ type: 'png' }));
    a.lastSnap = Date.now();
    if (!a.png || !a.png.equals(png)) { a.png = png; a.view.qrVersion++; }
  }

  private schedule(a: Attempt, page: PuppeteerPage, client: CDPSession, baseline: Map<string, string>): void {
    if (a.stopped) return;
    a.timer = setTimeout(() => void this.look(a, page, client, baseline), this.o.pollMs ?? 1000);
    a.timer.unref?.();
  }

  /** One look at the page: logged in, expired, or still waiting (then maybe a new picture). */
  private async look(a: Attempt, page: PuppeteerPage, client: CDPSession, baseline: Map<string, string>): Promise<void> {
    if (a.stopped) return;
    try {
      const now = await loginCookies(client, a.spec);
      const hit = a.spec.loginCookies.find((n) => { const v = now.get(n); return !!v && v !== baseline.get(n); });
      if (hit) {
        await this.finish(a, page, client).catch((e: Error) => this.fail(a, `logged in, but the session could not be saved: ${e.message.split('\n')[0]}`));
        return;
      }
      if (this.now().getTime() >= Date.parse(a.view.expiresAt!) || (await pageSays(page, a.spec.expiredTexts))) {
        a.view.state = 'expired';
        a.view.message = 'the QR code expired: get a new one';
        this.o.log?.('info', `source ${a.view.sourceId}: QR code for account '${a.view.account}' expired`);
        return void (await this.end(a));
      }
      if (Date.now() - a.lastSnap >= (this.o.refreshMs ?? 2000)) await this.snap(a, page);
    } catch (e) {
      // the page navigating (as it does once logged in) makes a look fail: look again, unless the page is gone
      if (page.isClosed()) return this.fail(a, `the login page closed: ${(e as Error).message.split('\n')[0]}`);
    }
    this.schedule(a, page, client, baseline);
  }

  /** Logged in: save cookies and localStorage as the account's session, and put the account in the pool. */
  private async finish(a: Attempt, page: PuppeteerPage, client: CDPSession): Promise<void> {
    await sleep(Math.min(1000, this.o.pollMs ?? 1000)); // the rest of the login's cookies and redirects
    const got = (await client.send('Network.getAllCookies')) as { cookies: SavedCookie[] };
    const cookies = got.cookies.map(({ name, value, domain, path, expires, httpOnly, secure, sameSite }) => ({ name, value, domain, path, expires, httpOnly, secure, ...(sameSite ? { sameSite } : {}) }));
    const origin = new URL(page.url()).origin;
    const entries = await page.evaluate(() => {
      const out: [string, string][] = [];
      try { for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i)!; out.push([k, localStorage.getItem(k) ?? '']); } } catch { /* no storage */ }
      return out;
    }).catch(() => [] as [string, string][]);
    const i = a.sessionRef.indexOf('/');
    const site = a.sessionRef.slice(0, i), key = a.sessionRef.slice(i + 1);
    const at = this.now();
    const prev = this.o.sessions.load(site, key);
    this.o.sessions.save(site, key, {
      cookies, localStorage: /^https?:/.test(origin) ? { ...prev.localStorage, [origin]: Object.fromEntries(entries) } : prev.localStorage,
      savedAt: at.toISOString(), challenge: null,
    });
    const acct = this.o.pool.saveLogin(a.view.sourceId, a.view.account, a.sessionRef, a.proxy, at);
    this.o.audit?.(a.actor, 'source.login', `source:${a.view.sourceId}`, { account: acct.name, origin: acct.origin });
    a.view.state = 'done';
    a.view.message = `logged in: the session of account '${a.view.account}' is saved and crawls use it`;
    this.o.log?.('info', `source ${a.view.sourceId}: account '${a.view.account}' logged in by QR code (${cookies.length} cookies saved)`);
    await this.end(a);
  }

  private fail(a: Attempt, message: string): void {
    if (!ACTIVE.has(a.view.state)) return;
    a.view.state = 'failed';
    a.view.message = message;
    this.o.log?.('warn', `source ${a.view.sourceId}: QR login failed: ${message}`);
    void this.end(a);
  }

  /** Stop looking, close the page, forget the attempt after a while; close the browser when nothing is left. */
  private async end(a: Attempt): Promise<void> {
    a.stopped = true;
    if (a.timer) clearTimeout(a.timer);
    a.timer = null;
    if (!ACTIVE.has(a.view.state)) a.png = null;
    const close = a.close;
    a.close = null;
    await close?.().catch(() => undefined);
    const forget = setTimeout(() => { if (this.attempts.get(a.view.sourceId) === a) this.attempts.delete(a.view.sourceId); }, this.o.keepMs ?? 600_000);
    forget.unref?.();
    if (![...this.attempts.values()].some((x) => x !== a && ACTIVE.has(x.view.state))) await this.browser?.close().catch(() => undefined);
  }
}

/** The values of the spec's login cookies now (every cookie of the page's browser context). */
async function loginCookies(client: CDPSession, spec: LoginSpec): Promise<Map<string, string>> {
  const got = (await client.send('Network.getAllCookies')) as { cookies: { name: string; value: string }[] };
  const out = new Map<string, string>();
  for (const c of got.cookies) if (spec.loginCookies.includes(c.name) && c.value) out.set(c.name, c.value);
  return out;
}

async function pageSays(page: PuppeteerPage, texts: string[] | undefined): Promise<boolean> {
  if (!texts?.length) return false;
  const body = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
  return texts.some((t) => body.includes(t));
}
