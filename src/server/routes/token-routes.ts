// API tokens admin (admin only): list them (name, role, created, last used; never the secret, only
// its hash is stored) and revoke one by id. Tokens are created with `flarewatch token add`.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit, sendError } from '../route-helpers.js';
import { UserAccounts } from '../user-accounts.js';

export function tokenRoutes(deps: AppDeps): Router {
  const r = Router();
  const users = new UserAccounts(deps.db);
  r.use('/tokens', requireRole('admin'));

  r.get('/tokens', (_req, res) => void res.json({ tokens: users.listTokens() }));

  r.delete('/tokens/:id', (req, res) => {
    try {
      const id = String(req.params.id);
      if (!/^\d+$/.test(id)) return void res.status(400).json({ error: `token id must be a number, not '${id}'`, hint: 'GET /api/v1/tokens lists the ids' });
      const t = users.revokeToken(Number(id));
      if (!t) return void res.status(404).json({ error: `no token with id ${id}` });
      audit(deps.db, deps.now(), req.user!.username, 'token.revoke', `token:${t.id}`, { name: t.name, role: t.role });
      res.json({ revoked: t });
    } catch (e) { sendError(res, e); }
  });
  return r;
}
