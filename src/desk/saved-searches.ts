// Saved posts searches (Brandwatch-style), one list per user: a name, a query in the query
// language (checked by compiling it, so a saved search always runs) and the posts page's other
// filters (source, sentiment, topic). The saved_searches table (migration 008) is kept by the users
// store (src/db/store/users-store.ts). Every function takes the owner's user id: another user's
// search is "not found", never shown.
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { SavedSearchRow } from '../db/store/users-store.js';
import { UserError } from '../core/errors.js';
import { compileQuery } from '../query/index.js';
import { ConflictError, NotFoundError } from './errors.js';

export interface SavedSearchFilters { source?: string; sentiment?: 'negative' | 'neutral' | 'positive'; topic?: string }
export interface SavedSearch { id: number; name: string; query: string; filters: SavedSearchFilters; createdAt: string; updatedAt: string }

/** A user keeps at most this many. */
export const MAX_SAVED_SEARCHES = 200;
const MAX_NAME = 100;
const MAX_QUERY = 4000;
const SENTIMENTS = ['negative', 'neutral', 'positive'];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

type Row = SavedSearchRow;
const view = (r: Row): SavedSearch => {
  let filters: SavedSearchFilters = {};
  try { filters = JSON.parse(r.filters) as SavedSearchFilters; } catch { /* stored by this module: always JSON */ }
  return { id: r.id, name: r.name, query: r.query, filters, createdAt: r.created_at, updatedAt: r.updated_at };
};

function checkName(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw new UserError('name is required', 'send {"name": "乳业投诉", "query": "..."}');
  const name = v.trim().replace(/\s+/g, ' ');
  if ([...name].length > MAX_NAME) throw new UserError('name too long', `use at most ${MAX_NAME} characters`);
  if (CONTROL.test(name)) throw new UserError('name holds a control character');
  return name;
}

function checkQuery(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw new UserError('query is required', 'send the posts search, e.g. {"query": "星河乳业 AND (投诉 OR 退款)"}');
  const query = v.trim();
  if (query.length > MAX_QUERY) throw new UserError(`the query is ${query.length} characters long`, `keep it under ${MAX_QUERY} characters`);
  compileQuery(query); // a QuerySyntaxError (400 with the column) when it does not parse
  return query;
}

function checkFilters(v: unknown): SavedSearchFilters {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new UserError('filters must be an object', 'e.g. {"source": "weibo", "sentiment": "negative", "topic": "brand-x"}');
  const out: SavedSearchFilters = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined || x === null || x === '') continue;
    if (typeof x !== 'string') throw new UserError(`filters.${k} must be a string`);
    if (k === 'sentiment') {
      if (!SENTIMENTS.includes(x)) throw new UserError(`unknown sentiment '${x.slice(0, 20)}'`, `use one of: ${SENTIMENTS.join(', ')}`);
      out.sentiment = x as SavedSearchFilters['sentiment'];
    } else if (k === 'source' || k === 'topic') {
      if (x.length > 100 || CONTROL.test(x)) throw new UserError(`filters.${k} is not a ${k} id`);
      out[k] = x.trim();
    } else throw new UserError(`unknown filter '${k.slice(0, 30)}'`, 'filters may hold source, sentiment and topic');
  }
  return out;
}

function own(db: Db, userId: number, id: number): Row {
  const r = Number.isInteger(id) ? storeOf(db).users.savedSearch(userId, id) : undefined;
  if (!r) throw new NotFoundError(`saved search ${String(id)} not found`);
  return r;
}

function nameTaken(db: Db, userId: number, name: string, except = -1): boolean {
  return storeOf(db).users.savedSearchNameTaken(userId, name, except);
}

export function listSavedSearches(db: Db, userId: number): SavedSearch[] {
  return storeOf(db).users.savedSearches(userId).map(view);
}

export function getSavedSearch(db: Db, userId: number, id: number): SavedSearch { return view(own(db, userId, id)); }

/** Save {name, query, filters?}; 409 (ConflictError) when the user has a search of that name. */
export function createSavedSearch(db: Db, userId: number, body: Record<string, unknown>, now: Date): SavedSearch {
  const name = checkName(body.name);
  const query = checkQuery(body.query);
  const filters = checkFilters(body.filters);
  const stores = storeOf(db);
  return stores.atomic(() => {
    if (nameTaken(db, userId, name)) throw new ConflictError(`you already have a saved search named '${name}'`, 'pick another name, or rename or delete that one');
    const n = stores.users.savedSearchCount(userId);
    if (n >= MAX_SAVED_SEARCHES) throw new UserError(`you have ${n} saved searches`, `delete some first (at most ${MAX_SAVED_SEARCHES})`);
    const id = stores.users.insertSavedSearch(userId, name, query, JSON.stringify(filters), now);
    return getSavedSearch(db, userId, id);
  });
}

/** Rename (and/or change the query or filters of) one of the user's searches. */
export function updateSavedSearch(db: Db, userId: number, id: number, body: Record<string, unknown>, now: Date): SavedSearch {
  if (body.name === undefined && body.query === undefined && body.filters === undefined) throw new UserError('nothing to change', 'send {"name": "new name"} (query and filters may change too)');
  const stores = storeOf(db);
  return stores.atomic(() => {
    const r = own(db, userId, id);
    const name = body.name === undefined ? r.name : checkName(body.name);
    const query = body.query === undefined ? r.query : checkQuery(body.query);
    const filters = body.filters === undefined ? r.filters : JSON.stringify(checkFilters(body.filters));
    if (name !== r.name && nameTaken(db, userId, name, id)) throw new ConflictError(`you already have a saved search named '${name}'`, 'pick another name');
    stores.users.updateSavedSearch(id, name, query, filters, now);
    return getSavedSearch(db, userId, id);
  });
}

export function deleteSavedSearch(db: Db, userId: number, id: number): void {
  own(db, userId, id);
  storeOf(db).users.deleteSavedSearch(userId, id);
}
