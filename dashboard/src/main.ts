// Dashboard entry: session check, sign-in form, the page shell (navigation, language switch,
// live-feed toggles, status line) and a hash router (#/overview, #/incident/inc-3, #/posts?q=...).
import { h, mount } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { api, setCsrf, SessionExpired } from './api.js';
import { errorBox, hasRole, type Page, type PageCtx, type Role } from './ctx.js';
import { startLive, stopLive, prefs, setPref } from './live.js';
import { overviewPage } from './pages/overview.js';
import { incidentPage, incidentsPage } from './pages/incident.js';
import { postsPage } from './pages/posts.js';
import { alertsPage } from './pages/alerts.js';
import { sourcesPage } from './pages/sources.js';
import { sourcePage } from './pages/source.js';
import { rulesPage } from './pages/rules.js';
import { reportsPage } from './pages/reports.js';
import { settingsPage } from './pages/settings.js';
import { usersPage } from './pages/users.js';

interface Route { key: string; page: Page; role: Role; nav: boolean }
const ROUTES: Route[] = [
  { key: 'overview', page: overviewPage, role: 'viewer', nav: true },
  { key: 'incidents', page: incidentsPage, role: 'viewer', nav: true },
  { key: 'incident', page: incidentPage, role: 'viewer', nav: false },
  { key: 'posts', page: postsPage, role: 'viewer', nav: true },
  { key: 'alerts', page: alertsPage, role: 'viewer', nav: true },
  { key: 'sources', page: sourcesPage, role: 'viewer', nav: true },
  { key: 'source', page: sourcePage, role: 'viewer', nav: false },
  { key: 'rules', page: rulesPage, role: 'viewer', nav: true },
  { key: 'reports', page: reportsPage, role: 'viewer', nav: true },
  { key: 'settings', page: settingsPage, role: 'admin', nav: true },
  { key: 'users', page: usersPage, role: 'admin', nav: true },
];

type User = { username: string; role: Role };
let user: User | null = null;
const app = document.getElementById('app')!;
let renderSeq = 0;

function statusLine(): HTMLElement { return document.getElementById('status')!; }
function say(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const s = statusLine();
  s.className = `status status-${kind}`;
  s.textContent = text;
}

function loginView(message?: string): void {
  stopLive();
  document.title = `${t('login')} · ${t('appName')}`;
  const name = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('p', { className: 'error', role: 'alert', id: 'login-error' }, message ?? '');
  const form = h('form', { className: 'login card', on: { submit: (ev: Event) => {
    ev.preventDefault();
    api.post<{ user: User; csrfToken: string }>('/session', { username: name.value, password: pass.value })
      .then((r) => { user = r.user; setCsrf(r.csrfToken); shell(); })
      .catch((e: Error) => { err.textContent = `${t('loginFailed')}: ${e.message}`; pass.value = ''; pass.focus(); });
  } } },
  h('h1', null, t('appName')),
  h('label', { for: 'login-user' }, t('username')), name,
  h('label', { for: 'login-pass' }, t('password')), pass,
  h('button', { type: 'submit', className: 'primary', id: 'login-submit' }, t('login')), err,
  h('button', { type: 'button', className: 'link', on: { click: () => { setLang(lang() === 'zh' ? 'en' : 'zh'); loginView(); } } }, t('switchLang')));
  mount(app, h('main', { id: 'main' }, form));
  name.focus();
}

function parseHash(): { key: string; params: string[]; query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  return { key: parts[0] || 'overview', params: parts.slice(1), query: new URLSearchParams(q ?? '') };
}

function shell(): void {
  if (!user) return loginView();
  const u = user;
  const live = h('div', { id: 'live-region', className: 'sr-only', 'aria-live': 'polite' });
  const toggle = (name: 'sound' | 'flash', label: string) => {
    const box = h('input', { type: 'checkbox', id: `pref-${name}` });
    box.checked = name === 'sound' ? prefs.sound() : prefs.flash();
    box.addEventListener('change', () => setPref(name, box.checked));
    return h('label', { className: 'toggle', for: `pref-${name}` }, box, label);
  };
  const { key } = parseHash();
  const nav = h('nav', { 'aria-label': t('appName'), id: 'main-nav' }, h('ul', null, ROUTES.filter((r) => r.nav && hasRole(u, r.role)).map((r) =>
    h('li', null, h('a', { href: `#/${r.key}`, 'aria-current': r.key === key || (key === 'incident' && r.key === 'incidents') || (key === 'source' && r.key === 'sources') ? 'page' : null, 'data-nav': r.key }, t(r.key))))));
  // on a phone (under 600 px, app.css) the navigation and tools fold behind this button
  const menu = h('button', { type: 'button', className: 'menu-toggle', id: 'menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'main-nav' }, `☰ ${t('menu')}`);
  menu.addEventListener('click', () => {
    const open = document.querySelector('header.top')!.classList.toggle('menu-open');
    menu.setAttribute('aria-expanded', String(open));
  });
  mount(app,
    h('a', { href: '#main', className: 'skip' }, t('skip')),
    h('header', { className: 'top' },
      h('span', { className: 'brand' }, t('appName')), menu, nav,
      h('div', { className: 'top-tools' },
        toggle('sound', t('sound')), toggle('flash', t('titleFlash')),
        h('button', { type: 'button', className: 'link', id: 'lang-switch', on: { click: () => { setLang(lang() === 'zh' ? 'en' : 'zh'); shell(); } } }, t('switchLang')),
        h('span', { className: 'muted', title: t('signedInAs') }, `${u.username} (${u.role})`),
        h('button', { type: 'button', className: 'link', id: 'sign-out', on: { click: () => { api.del('/session').finally(() => { user = null; setCsrf(null); location.hash = '#/overview'; loginView(); }); } } }, t('signOut')))),
    h('p', { id: 'status', className: 'status', role: 'status' }),
    h('main', { id: 'main', tabindex: -1 }),
    live);
  startLive((text) => { live.textContent = text; });
  void route();
}

async function route(): Promise<void> {
  if (!user) return;
  const seq = ++renderSeq;
  const { key, params, query } = parseHash();
  const main = document.getElementById('main');
  if (!main) return;
  for (const a of document.querySelectorAll('nav a')) {
    const k = a.getAttribute('data-nav');
    if (k === key || (key === 'incident' && k === 'incidents') || (key === 'source' && k === 'sources')) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.querySelector('header.top')?.classList.remove('menu-open'); // a chosen page closes the phone menu
  document.getElementById('menu-toggle')?.setAttribute('aria-expanded', 'false');
  const r = ROUTES.find((x) => x.key === key);
  const root = h('div', { className: 'page', 'data-page': key });
  mount(main, root);
  statusLine().textContent = '';
  document.title = `${r ? t(r.key) : t('notFound')} · ${t('appName')}`;
  if (!r) return void mount(root, errorBox(new Error(t('notFound'))));
  if (!hasRole(user, r.role)) return void mount(root, errorBox(new Error(t('forbidden'))));
  const ctx: PageCtx = { root, user, params, query, can: (role) => hasRole(user!, role), say };
  mount(root, h('p', { className: 'muted' }, t('loading')));
  try {
    await r.page(ctx);
  } catch (e) {
    if (e instanceof SessionExpired) { user = null; return loginView(t('signInAgain')); }
    if (seq === renderSeq) mount(root, errorBox(e));
  }
  if (seq === renderSeq) document.body.dataset.ready = key;
}

window.addEventListener('hashchange', () => void route());
window.addEventListener('unhandledrejection', (ev) => {
  if (ev.reason instanceof SessionExpired) { ev.preventDefault(); user = null; loginView(t('signInAgain')); }
});

setLang(lang());
api.get<{ user: User; csrfToken: string | null }>('/session')
  .then((s) => { user = s.user; setCsrf(s.csrfToken); shell(); })
  .catch(() => loginView());
