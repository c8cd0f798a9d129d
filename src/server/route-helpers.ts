// Small helpers shared by the route modules: query-string parsing, turning error classes into
// HTTP answers (never by message text), and the audit entry every state change writes.
import type { Response } from 'express';
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import { UserError, ConfigError } from '../core/errors.js';
import { QuerySyntaxError } from '../query/index.js';
import { SearchInputError } from './post-search.js';
import { NotFoundError, ConflictError } from '../desk/errors.js';

export const int = (v: unknown, d: number, max: number): number => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), max) : d;
};
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
export const parseJson = (v: unknown, d: unknown = null): unknown => {
  try { return typeof v === 'string' ? JSON.parse(v) : d; } catch { return d; }
};

/** Not found (404) for lookups by id. */
export class HttpNotFound extends Error { override name = 'HttpNotFound'; }

/** Answer a known error class with 4xx and a hint; anything else is rethrown to the 500 handler. */
export function sendError(res: Response, e: unknown): void {
  if (e instanceof ConfigError) return void res.status(422).json({ error: e.message.split('\n')[0], file: e.file, line: e.line, hint: e.hint ?? null });
  // the query's syntax error: `column` counts characters of `query` from 1; `code` names the problem for translation
  if (e instanceof QuerySyntaxError) return void res.status(400).json({ error: e.message, column: e.column, code: e.code, problem: e.problem, query: e.query, hint: e.hint ?? null });
  if (e instanceof SearchInputError) return void res.status(400).json({ error: e.message, hint: e.hint });
  if (e instanceof HttpNotFound || e instanceof NotFoundError) return void res.status(404).json({ error: e.message.split('\n')[0] });
  if (e instanceof ConflictError) return void res.status(409).json({ error: e.message.split('\n')[0], hint: e.hint ?? null });
  if (e instanceof UserError) return void res.status(400).json({ error: e.message.split('\n')[0], hint: e.hint ?? null });
  throw e;
}

export function audit(db: Db, at: Date, actor: string | null | undefined, action: string, target: string, detail?: unknown): void {
  storeOf(db).incidents.writeAudit(at, actor ?? null, action, target, detail);
}
