// /api/v1/session (POST, GET, DELETE): sign in with user name and password (failed attempts limited
// per address, per user name and per pair: src/server/login-throttle.ts), read the current user
// and CSRF token, sign out.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { UserAccounts } from '../user-accounts.js';
import { sessionCookie, SESSION_COOKIE } from '../security.js';
import { LoginThrottle } from '../login-throttle.js';
import { audit } from '../route-helpers.js';

const SESSION_TTL = 12 * 3_600_000;

export function sessionRoutes(deps: AppDeps): Router {
  const r = Router();
  const users = new UserAccounts(deps.db);
  const throttle = new LoginThrottle({ now: deps.now });
  r.post('/session', async (req, res) => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string') return void res.status(400).json({ error: 'send {"username": "...", "password": "..."}' });
    const address = req.ip ?? req.socket.remoteAddress ?? '';
    const wait = throttle.blocked(address, username);
    if (wait) {
      res.setHeader('Retry-After', String(wait.retryAfterSeconds));
      return void res.status(429).json({ error: `too many failed sign-in attempts ${wait.reason}; try again in ${Math.ceil(wait.retryAfterSeconds / 60)} minutes` });
    }
    const u = await users.authenticate(username, password);
    if (!u) {
      throttle.failed(address, username);
      return void res.status(401).json({ error: 'wrong user name or password' });
    }
    throttle.succeeded(address, username);
    const s = users.createSession(u.id, deps.now(), SESSION_TTL);
    res.setHeader('Set-Cookie', sessionCookie(s.token, SESSION_TTL, req.secure));
    audit(deps.db, deps.now(), u.username, 'login', `user:${u.id}`);
    res.json({ user: { username: u.username, role: u.role }, csrfToken: s.csrf, expiresAt: s.expiresAt });
  });
  r.get('/session', (req, res) => {
    if (!req.user) return void res.status(401).json({ error: 'not signed in' });
    res.json({ user: { username: req.user.username, role: req.user.role }, csrfToken: req.user.csrf ?? null });
  });
  r.delete('/session', (req, res) => {
    if (req.sessionToken) users.deleteSession(req.sessionToken);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    res.status(204).end();
  });
  return r;
}
