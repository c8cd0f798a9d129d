// HTTP security: strict headers (CSP without inline script), cookie parsing, sessions from the
// HttpOnly cookie or a bearer token, CSRF on state changes, roles, and small rate limiters.
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { Db } from '../db/connection.js';
import { UserAccounts, type Role } from './user-accounts.js';

export const SESSION_COOKIE = 'fw_session';

export interface AuthUser { id: number; username: string; role: Role | 'ingest'; csrf?: string; via: 'session' | 'token' }
declare module 'express-serve-static-core' {
  interface Request { user?: AuthUser; sessionToken?: string }
}

/**
 * The one policy for every page: scripts and style sheets from this origin only, no inline
 * script or style (pages served outside the dashboard, like the acknowledge link's, link their
 * own style sheet: src/alerting/ack-page.ts), forms post to this origin only.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    next();
  };
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    try { out[k] = decodeURIComponent(part.slice(i + 1).trim()); } catch { /* malformed cookie ignored */ }
  }
  return out;
}

/** Resolve the caller from the session cookie or `Authorization: Bearer <token>`. */
export function authenticate(db: Db, now: () => Date): RequestHandler {
  const users = new UserAccounts(db);
  return (req, _res, next) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const t = users.tokenRole(auth.slice(7).trim(), now());
      if (t) req.user = { id: 0, username: `token:${t.name}`, role: t.role as AuthUser['role'], via: 'token' };
      return next();
    }
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (token) {
      const u = users.sessionUser(token, now());
      if (u) { req.user = { id: u.id, username: u.username, role: u.role, csrf: u.csrf, via: 'session' }; req.sessionToken = token; }
    }
    next();
  };
}

const ROLE_RANK: Record<string, number> = { viewer: 1, ingest: 1, analyst: 2, admin: 3 };

/** Require a signed-in caller with at least `role` (admin > analyst > viewer). */
export function requireRole(role: 'viewer' | 'analyst' | 'admin'): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return void res.status(401).json({ error: 'sign in first', hint: 'POST /api/v1/session or send Authorization: Bearer <token>' });
    if (req.user.role === 'ingest' && role !== 'viewer') return void res.status(403).json({ error: 'this token may only ingest and read' });
    if ((ROLE_RANK[req.user.role] ?? 0) < ROLE_RANK[role]) return void res.status(403).json({ error: `requires role ${role}` });
    next();
  };
}

/** Session-authenticated state changes must carry the session's CSRF token in X-CSRF-Token. */
export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    if (!req.user || req.user.via !== 'session') return next();
    const sent = req.get('x-csrf-token');
    if (!sent || sent !== req.user.csrf) return void res.status(403).json({ error: 'missing or wrong CSRF token', hint: 'send the token from GET /api/v1/session in the X-CSRF-Token header' });
    next();
  };
}

/** Fixed-window rate limiter keyed by a function of the request. */
export function rateLimit(opts: { windowMs: number; max: number; key: (req: Request) => string; now: () => Date; message: string }): RequestHandler & { reset(): void } {
  const hits = new Map<string, { start: number; n: number }>();
  const mw = ((req: Request, res: Response, next: NextFunction) => {
    const now = opts.now().getTime();
    const k = opts.key(req);
    let h = hits.get(k);
    if (!h || now - h.start >= opts.windowMs) { h = { start: now, n: 0 }; hits.set(k, h); }
    h.n++;
    if (hits.size > 10_000) for (const [kk, v] of hits) if (now - v.start >= opts.windowMs) hits.delete(kk);
    if (h.n > opts.max) {
      res.setHeader('Retry-After', String(Math.ceil((h.start + opts.windowMs - now) / 1000)));
      return void res.status(429).json({ error: opts.message });
    }
    next();
  }) as RequestHandler & { reset(): void };
  mw.reset = () => hits.clear();
  return mw;
}

export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
}
