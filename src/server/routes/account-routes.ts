// A source's accounts on the dashboard's source page: the account pool (list; an admin removes one
// or resumes it), "I solved it / resume" after a captcha paused the source, and the QR-code login
// (start, follow, the code as a PNG, cancel). Every change is admin-only, CSRF-checked (the API
// router's csrfProtection) and audited. Nothing secret is answered: account views carry names,
// states and masked proxies (account-pool.ts), the login view no cookie (qr-login.ts).
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit } from '../route-helpers.js';
import { AccountNotFoundError, sessionSiteOf, type AccountPool } from '../../crawl/account-pool.js';
import { LoginRequestError, type LoginService } from '../../crawl/qr-login.js';
import type { SourceConfig } from '../../crawl/sources-config.js';
import type { AnyAdapter } from '../../crawl/adapter.js';

/** What these routes need from the running monitor (AppDeps.accounts). */
export interface SourceAccountsDeps {
  pool: AccountPool;
  /** QR logins (null: no browser for logins in this process) */
  logins: LoginService | null;
  /** the source as configured in sources.yaml, or null */
  source(id: string): SourceConfig | null;
  adapter(id: string): Promise<AnyAdapter>;
}

const bodyStr = (req: Request, k: string): string | undefined => {
  const v = (req.body as Record<string, unknown> | undefined)?.[k];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};

export function accountRoutes(deps: AppDeps): Router {
  const r = Router();

  /** the source's config and adapter, or an answer already sent */
  async function target(req: Request, res: Response): Promise<{ a: SourceAccountsDeps; cfg: SourceConfig; adapter: AnyAdapter } | null> {
    const a = deps.accounts;
    if (!a) {
      res.status(503).json({ error: 'the crawler is not running in this process', hint: 'start flarewatch with `flarewatch start`' });
      return null;
    }
    const cfg = a.source(String(req.params.id));
    if (!cfg) {
      res.status(404).json({ error: `no such source '${String(req.params.id)}'` });
      return null;
    }
    return { a, cfg, adapter: await a.adapter(cfg.adapter) };
  }

  const fail = (res: Response, e: unknown): void => {
    if (e instanceof AccountNotFoundError) return void res.status(404).json({ error: e.message, hint: e.hint ?? null });
    if (e instanceof LoginRequestError) return void res.status(e.status).json({ error: e.message, hint: e.hint ?? null });
    throw e;
  };

  r.get('/sources/:id/accounts', requireRole('viewer'), async (req, res) => {
    const t = await target(req, res);
    if (!t) return;
    const accounts = t.a.pool.list(t.cfg.id);
    res.json({
      source: t.cfg.id, adapter: t.adapter.id,
      /** the source crawls through its pool (it needs a login) */
      pooled: t.a.pool.uses(t.cfg, t.adapter),
      login: t.adapter.login && t.a.logins ? { available: true, site: sessionSiteOf(t.adapter), guessed: t.adapter.login.guessed ?? [] } : { available: false },
      accounts: accounts.map((x) => t.a.pool.view(x)),
    });
  });

  r.delete('/sources/:id/accounts/:accountId', requireRole('admin'), async (req, res) => {
    const t = await target(req, res);
    if (!t) return;
    try {
      const gone = t.a.pool.remove(t.cfg.id, Number(req.params.accountId));
      audit(deps.db, deps.now(), req.user!.username, 'source.account.remove', `source:${t.cfg.id}`, { account: gone.name });
      res.json({ ok: true, removed: { id: gone.id, name: gone.name } });
    } catch (e) { fail(res, e); }
  });

  // "I solved it / resume": paused accounts (or one named account) are active again; a run starts at once
  r.post('/sources/:id/resume', requireRole('admin'), async (req, res) => {
    const t = await target(req, res);
    if (!t) return;
    try {
      const resumed = t.a.pool.resume(t.cfg.id, deps.now(), bodyStr(req, 'account'));
      audit(deps.db, deps.now(), req.user!.username, 'source.resume', `source:${t.cfg.id}`, { accounts: resumed.map((x) => x.name) });
      const crawling = !!deps.crawler && t.cfg.enabled && resumed.length > 0;
      if (crawling) void deps.crawler!.runNow(t.cfg.id).catch(() => undefined);
      res.json({ ok: true, resumed: resumed.map((x) => x.name), crawling });
    } catch (e) { fail(res, e); }
  });

  r.post('/sources/:id/login', requireRole('admin'), async (req, res) => {
    const t = await target(req, res);
    if (!t) return;
    if (!t.a.logins) return void res.status(503).json({ error: 'QR login is not available in this process' });
    try {
      const login = await t.a.logins.start(t.cfg, t.adapter, { account: bodyStr(req, 'account'), proxy: bodyStr(req, 'proxy') ?? null }, req.user!.username);
      audit(deps.db, deps.now(), req.user!.username, 'source.login.start', `source:${t.cfg.id}`, { account: login.account });
      res.status(202).json({ login });
    } catch (e) { fail(res, e); }
  });

  r.get('/sources/:id/login', requireRole('admin'), async (req, res) => {
    const t = await target(req, res);
    if (!t) return;
    res.set('Cache-Control', 'no-store').json({ login: t.a.logins?.status(t.cfg.id) ?? null });
  });

  r.get('/sources/:id/login/qr.png', requireRole('admin'), async (req, res) => {
    const t = await target(req, res);
    if (!t) return;
    const qr = t.a.logins?.qr(t.cfg.id);
    if (!qr) return void res.status(404).json({ error: 'no QR code is waiting for a scan', hint: 'start a login first (POST .../login), or get a new code' });
    res.set('Cache-Control', 'no-store').type('image/png').send(qr.png);
  });

  r.delete('/sources/:id/login', requireRole('admin'), async (req, res) => {
    const t = await target(req, res);
    if (!t) return;
    const cancelled = t.a.logins?.cancel(t.cfg.id) ?? false;
    if (cancelled) audit(deps.db, deps.now(), req.user!.username, 'source.login.cancel', `source:${t.cfg.id}`);
    res.json({ ok: true, cancelled });
  });

  return r;
}
