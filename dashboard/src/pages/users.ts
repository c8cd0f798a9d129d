// Users (admin): list, add, change role, disable / enable, reset password.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { fmtTime } from '../format.js';
import { busy, section, table, type PageCtx } from '../ctx.js';

interface U { id: number; username: string; role: string; createdAt: string; disabled: boolean }
const ROLES = ['admin', 'analyst', 'viewer'];

export async function usersPage(ctx: PageCtx): Promise<void> {
  const { users } = await api.get<{ users: U[] }>('/users');
  const name = h('input', { id: 'u-name', required: true, autocomplete: 'off' });
  // the server's rule (src/server/password-policy.ts): 10 characters for an admin, 8 otherwise, no common passwords
  const pass = h('input', { id: 'u-pass', type: 'password', required: true, autocomplete: 'new-password', minlength: 8 });
  const role = h('select', { id: 'u-role' }, ROLES.map((r) => h('option', { value: r, selected: r === 'viewer' }, r)));
  role.addEventListener('change', () => { pass.minLength = role.value === 'admin' ? 10 : 8; });
  const add = h('button', { type: 'submit', className: 'primary' }, t('addUser'));
  const form = h('form', { className: 'row', on: { submit: (ev: Event) => {
    ev.preventDefault();
    busy(ctx, add, async () => { await api.post('/users', { username: name.value, password: pass.value, role: role.value }); await usersPage(ctx); }, t('saved'));
  } } }, h('label', { for: 'u-name' }, t('username')), name, h('label', { for: 'u-pass' }, t('password')), pass, h('label', { for: 'u-role' }, t('role')), role, add);

  mount(ctx.root, h('h1', null, t('users')), section(t('addUser'), form), section(t('users'), table([t('username'), t('role'), t('created'), t('state'), '', ''], users.map((u) => {
    const sel = h('select', { 'aria-label': `${t('role')} ${u.username}` }, ROLES.map((r) => h('option', { value: r, selected: r === u.role }, r)));
    sel.addEventListener('change', () => void api.patch(`/users/${u.id}`, { role: sel.value }).then(() => ctx.say(t('saved'), 'ok'), (e: Error) => { ctx.say(e.message, 'error'); sel.value = u.role; }));
    const toggle = h('button', { type: 'button' }, u.disabled ? t('enable') : t('disable'));
    toggle.addEventListener('click', () => busy(ctx, toggle, async () => { await api.patch(`/users/${u.id}`, { disabled: !u.disabled }); await usersPage(ctx); }));
    const reset = h('button', { type: 'button' }, t('resetPassword'));
    reset.addEventListener('click', () => {
      const pw = window.prompt(`${t('resetPassword')}: ${u.username}`);
      if (pw) busy(ctx, reset, () => api.patch(`/users/${u.id}`, { password: pw }), t('saved'));
    });
    return [u.username, sel, fmtTime(u.createdAt, 'short'), u.disabled ? t('disabled') : t('active'), toggle, reset];
  }))));
}
