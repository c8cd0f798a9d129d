// One source (#/source/ID): its health, its account pool (state of each account: active, paused
// by a captcha, retired; an admin resumes or removes one), "I solved it / resume" after a
// captcha, and the QR-code login: the server opens the platform's login page, this page shows the
// code as an <img> from /api/v1/sources/ID/login/qr.png (same origin, refreshed while waiting)
// and follows the attempt until the login cookie appears or the code expires. No HTML strings:
// every value is a text node (dom.ts).
import { h, mount, truncate } from '../dom.js';
import { lang, t } from '../i18n.js';
import { sourceName } from '../../../src/i18n/reason-text.js';
import { api, ApiError } from '../api.js';
import { fmtTime } from '../format.js';
import { busy, errorBox, section, table, type PageCtx } from '../ctx.js';

interface Source { id: string; adapter: string; url: string; enabled: number; blocked: number; blocked_reason: string | null; last_success_at: string | null; last_error: string | null; state?: string }
interface Account {
  id: number; name: string; origin: 'config' | 'login'; state: 'active' | 'paused' | 'retired'; reason: string | null; stateAt: string | null;
  errorScore: number; uses: number; lastUsedAt: string | null; lastOkAt: string | null;
  session: { saved: boolean; savedAt: string | null; cookies: number } | null; cookiesEnv: { name: string; set: boolean } | null; proxy: string | null;
}
interface Accounts { adapter?: string; pooled: boolean; login: { available: boolean; guessed?: string[] }; accounts: Account[] }
interface Login { state: 'starting' | 'waiting' | 'expired' | 'done' | 'failed' | 'cancelled'; account: string; qrVersion: number; expiresAt: string | null; message: string | null }

const fill = (text: string, vars: Record<string, string>): string => text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
const enc = encodeURIComponent;

export async function sourcePage(ctx: PageCtx): Promise<void> {
  const id = ctx.params[0] ?? '';
  const { sources } = await api.get<{ sources: Source[] }>('/sources');
  const src = sources.find((s) => s.id === id);
  let acc: Accounts | null = null;
  let accErr: unknown = null;
  try { acc = await api.get<Accounts>(`/sources/${enc(id)}/accounts`); } catch (e) { accErr = e; }
  if (!src && !acc) throw accErr ?? new Error(id);

  const accountsBox = h('div', { id: 'accounts' });
  // the platform's app the code is scanned with (小红书, Douyin, ...), read by follow()
  const adapterId = src?.adapter ?? acc?.adapter ?? '';
  const loginBox = h('div', { id: 'login-panel', className: 'login-panel', 'data-app': adapterId ? sourceName(adapterId, lang()) : '' });
  const paused = !!acc?.accounts.some((a) => a.state === 'paused');
  const state = src?.state ?? (src?.blocked ? 'blocked' : 'ok');

  const resume = h('button', { type: 'button', className: 'primary', id: 'resume-source', hidden: !ctx.can('admin') || !acc || !(paused || src?.blocked) }, t('resumeSolved'));
  resume.addEventListener('click', () => busy(ctx, resume, async () => {
    const r = await api.post<{ resumed: string[] }>(`/sources/${enc(id)}/resume`, {});
    ctx.say(r.resumed.length ? fill(t('resumedMsg'), { names: r.resumed.join(', ') }) : t('nothingPaused'), 'ok');
    await sourcePage(ctx);
  }));

  mount(ctx.root,
    h('p', null, h('a', { href: '#/sources' }, `← ${t('sources')}`)),
    h('h1', null, `${t('sourceDetails')}${t('colon')}${id}`),
    section(t('health'), h('dl', { className: 'facts' },
      h('dt', null, t('platform')), h('dd', { title: adapterId }, adapterId ? sourceName(adapterId, lang()) : '—'),
      h('dt', null, t('health')), h('dd', null, h('span', { className: state === 'ok' ? 'ok' : state === 'pending' ? 'muted' : 'bad', 'data-state': state }, t(`src_${state.replace('-', '_')}`))),
      h('dt', null, t('lastSuccess')), h('dd', null, fmtTime(src?.last_success_at ?? null, 'short')),
      h('dt', null, t('blocked')), h('dd', null, src?.blocked ? truncate(src.blocked_reason ?? '', 200) : '—'),
      h('dt', null, t('lastError')), h('dd', null, truncate(src?.last_error ?? '', 200) || '—')),
      paused || src?.blocked ? h('p', { className: 'warn', role: 'note' }, t('pausedNotice')) : null,
      resume),
    section(t('accounts'), accountsBox),
    acc?.login.available && ctx.can('admin') ? section(t('loginQr'), loginBox) : null);

  if (!acc) {
    mount(accountsBox, accErr instanceof ApiError && accErr.status === 503 ? h('p', { className: 'muted' }, t('accountsUnavailable')) : errorBox(accErr));
    return;
  }
  renderAccounts(ctx, id, acc, accountsBox, (name) => startLogin(ctx, id, loginBox, name));
  if (acc.login.available && ctx.can('admin')) loginForm(ctx, id, acc, loginBox);
}

function renderAccounts(ctx: PageCtx, id: string, acc: Accounts, box: HTMLElement, loginAgain: (name: string) => void): void {
  if (!acc.accounts.length) {
    // what to do depends on how the source logs in: a QR code here, sources.yaml, or not at all
    const say = acc.login.available ? 'noAccounts' : acc.pooled ? 'noAccountsConfig' : 'noAccountsNeeded';
    return mount(box, h('p', { className: 'muted', id: 'no-accounts' }, t(say)));
  }
  const admin = ctx.can('admin');
  mount(box, table([t('accountName'), t('accountOrigin'), t('state'), t('lastUsed'), t('lastOk'), t('errorScore'), t('sessionCol'), t('proxy'), ''], acc.accounts.map((a) => {
    const actions: HTMLElement[] = [];
    if (admin && a.state !== 'active') {
      const b = h('button', { type: 'button', 'data-resume': a.name }, t('resumeAccount'));
      b.addEventListener('click', () => busy(ctx, b, async () => { await api.post(`/sources/${enc(id)}/resume`, { account: a.name }); ctx.say(fill(t('resumedMsg'), { names: a.name }), 'ok'); await sourcePage(ctx); }));
      actions.push(b);
    }
    if (admin && acc.login.available) {
      const b = h('button', { type: 'button', 'data-login': a.name }, t('loginAgain'));
      b.addEventListener('click', () => loginAgain(a.name));
      actions.push(b);
    }
    if (admin) {
      // two clicks: the first asks, the second removes
      const b = h('button', { type: 'button', className: 'danger', 'data-remove': a.name }, t('removeAccount'));
      let armed = false;
      b.addEventListener('click', () => {
        if (!armed) { armed = true; b.textContent = t('confirmDelete'); return; }
        busy(ctx, b, async () => { await api.del(`/sources/${enc(id)}/accounts/${a.id}`); ctx.say(t('accountRemoved'), 'ok'); await sourcePage(ctx); });
      });
      actions.push(b);
    }
    const session = a.session?.saved ? `${t('sessionSaved')} ${fmtTime(a.session.savedAt, 'short')}` : a.cookiesEnv ? `${a.cookiesEnv.name} (${a.cookiesEnv.set ? t('cookieEnvSet') : t('cookieEnvUnset')})` : t('noSession');
    return [a.name, t(`origin_${a.origin}`),
      [h('span', { className: a.state === 'active' ? 'ok' : 'bad', 'data-account-state': a.state, title: a.reason ?? '' }, t(`acct_${a.state}`)), a.reason ? h('small', { className: 'muted' }, ` ${truncate(a.reason, 90)}`) : null],
      fmtTime(a.lastUsedAt, 'short'), fmtTime(a.lastOkAt, 'short'), String(a.errorScore), session, a.proxy ?? '—', h('span', { className: 'row' }, actions)];
  }), t('accounts'), { stack: true }));
}

function loginForm(ctx: PageCtx, id: string, acc: Accounts, box: HTMLElement): void {
  const name = h('input', { id: 'login-account', autocomplete: 'off', placeholder: 'qr-1', maxlength: 40, pattern: '[\\w.\\-]{1,40}' });
  const proxy = h('input', { id: 'login-proxy', autocomplete: 'off', placeholder: 'http://host:port' });
  const go = h('button', { type: 'submit', className: 'primary', id: 'login-start' }, t('loginQr'));
  const out = h('div', { id: 'login-out', 'aria-live': 'polite' });
  const form = h('form', { className: 'row', on: { submit: (ev: Event) => { ev.preventDefault(); startLogin(ctx, id, box, name.value.trim(), proxy.value.trim()); } } },
    h('label', { for: 'login-account' }, t('loginAccountOpt')), name, h('label', { for: 'login-proxy' }, t('loginProxyOpt')), proxy, go);
  const guessed = acc.login.guessed?.length ? h('p', { className: 'muted', id: 'login-guessed' }, fill(t('guessedLogin'), { fields: acc.login.guessed.join(', ') })) : null;
  mount(box, form, guessed, out);
  // an attempt already running (another tab, a reload) is followed
  void api.get<{ login: Login | null }>(`/sources/${enc(id)}/login`).then((r) => { if (r.login) follow(ctx, id, box, r.login); }, () => undefined);
}

function startLogin(ctx: PageCtx, id: string, box: HTMLElement, account = '', proxy = ''): void {
  box.scrollIntoView?.({ block: 'nearest' });
  api.post<{ login: Login }>(`/sources/${enc(id)}/login`, { ...(account ? { account } : {}), ...(proxy ? { proxy } : {}) })
    .then((r) => follow(ctx, id, box, r.login), (e: Error) => ctx.say(e.message, 'error'));
}

/** Show the attempt, and ask again every 1.5 s while it waits (stops when the page is left or it ends). */
function follow(ctx: PageCtx, id: string, box: HTMLElement, first: Login): void {
  const out = box.querySelector<HTMLElement>('#login-out');
  if (!out) return;
  const status = h('p', { id: 'login-status', 'data-login-state': first.state });
  const img = h('img', { id: 'login-qr', alt: t('qrAlt'), width: 240, hidden: true });
  const expires = h('p', { className: 'muted', id: 'login-expires' });
  const again = h('button', { type: 'button', id: 'login-new', hidden: true }, t('newQr'));
  const cancel = h('button', { type: 'button', id: 'login-cancel', hidden: true }, t('cancel'));
  mount(out, status, img, expires, h('p', { className: 'row' }, again, cancel));
  let shown = -1;
  const draw = (l: Login) => {
    status.setAttribute('data-login-state', l.state);
    status.textContent = `${l.account}${t('colon')}${fill(t(`login_${l.state}`), { app: box.dataset.app ?? '' }).replace(/\s{2,}/g, ' ')}${l.message && l.state !== 'done' && l.state !== 'expired' ? ` (${l.message})` : ''}`;
    status.className = l.state === 'failed' ? 'error' : l.state === 'done' ? 'ok' : '';
    const waiting = l.state === 'waiting';
    img.hidden = !waiting;
    if (waiting && l.qrVersion !== shown) { shown = l.qrVersion; img.setAttribute('src', `/api/v1/sources/${enc(id)}/login/qr.png?v=${l.qrVersion}`); }
    expires.textContent = waiting && l.expiresAt ? fill(t('qrExpiresAt'), { at: fmtTime(l.expiresAt, 'full') }) : '';
    again.hidden = !(l.state === 'expired' || l.state === 'failed' || l.state === 'cancelled');
    cancel.hidden = !(waiting || l.state === 'starting');
  };
  again.addEventListener('click', () => startLogin(ctx, id, box, first.account));
  cancel.addEventListener('click', () => busy(ctx, cancel, async () => { await api.del(`/sources/${enc(id)}/login`); draw({ ...first, state: 'cancelled', message: null }); }));
  draw(first);
  const tick = (): void => {
    if (!out.isConnected || !status.isConnected) return;
    api.get<{ login: Login | null }>(`/sources/${enc(id)}/login`).then((r) => {
      if (!status.isConnected || !r.login) return;
      draw(r.login);
      if (r.login.state === 'done') { ctx.say(`${r.login.account}${t('colon')}${t('login_done')}`, 'ok'); void refreshAccounts(ctx, id); return; }
      if (r.login.state === 'starting' || r.login.state === 'waiting') setTimeout(tick, 1500);
    }, () => { if (status.isConnected) setTimeout(tick, 5000); });
  };
  if (first.state === 'starting' || first.state === 'waiting') setTimeout(tick, 1000);
}

async function refreshAccounts(ctx: PageCtx, id: string): Promise<void> {
  const box = document.getElementById('accounts');
  if (!box) return;
  const acc = await api.get<Accounts>(`/sources/${enc(id)}/accounts`);
  const loginBox = document.getElementById('login-panel') as HTMLElement;
  renderAccounts(ctx, id, acc, box, (name) => startLogin(ctx, id, loginBox, name));
}
