// Users admin (admin only): list, create, change role, disable, reset password. The last active
// admin cannot be demoted or disabled, so nobody locks the installation. New passwords must pass
// the strength rules of src/server/password-policy.ts.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit, sendError } from '../route-helpers.js';
import { UserAccounts, type Role } from '../user-accounts.js';
import { ConflictError } from '../../desk/errors.js';
import { checkPasswordStrength } from '../password-policy.js';

export function userRoutes(deps: AppDeps): Router {
  const r = Router();
  const users = new UserAccounts(deps.db);
  r.use('/users', requireRole('admin'));

  r.get('/users', (_req, res) => void res.json({ users: users.list() }));

  r.post('/users', async (req, res) => {
    try {
      const b = (req.body ?? {}) as { username?: unknown; password?: unknown; role?: unknown };
      const username = String(b.username ?? ''), role = String(b.role ?? 'viewer') as Role;
      checkPasswordStrength(String(b.password ?? ''), { role, username });
      const u = await users.add(username, String(b.password ?? ''), role, deps.now());
      audit(deps.db, deps.now(), req.user!.username, 'user.save', `user:${u.id}`, { username: u.username, role: u.role });
      res.status(201).json({ user: u });
    } catch (e) { sendError(res, e); }
  });

  r.patch('/users/:id', async (req, res) => {
    try {
      const id = Number(req.params.id);
      const u = Number.isInteger(id) ? users.get(id) : null;
      if (!u) return void res.status(404).json({ error: 'no such user' });
      const b = (req.body ?? {}) as { role?: unknown; disabled?: unknown; password?: unknown };
      const change = {
        role: typeof b.role === 'string' ? (b.role as Role) : undefined,
        disabled: typeof b.disabled === 'boolean' ? b.disabled : undefined,
        password: typeof b.password === 'string' ? b.password : undefined,
      };
      if (change.password !== undefined) checkPasswordStrength(change.password, { role: change.role ?? u.role, username: u.username });
      const losesAdmin = u.role === 'admin' && ((change.role && change.role !== 'admin') || change.disabled === true);
      if (losesAdmin && users.otherActiveAdmins(id) === 0) throw new ConflictError('this is the last active admin', 'make another user admin first');
      await users.update(id, change);
      audit(deps.db, deps.now(), req.user!.username, 'user.update', `user:${id}`, { role: change.role, disabled: change.disabled, password: change.password ? 'reset' : undefined });
      res.json({ user: users.get(id) });
    } catch (e) { sendError(res, e); }
  });
  return r;
}
