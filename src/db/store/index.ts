// The store layer: one module per aggregate owns the SQL of its tables, and nothing outside
// src/db writes SQL. Callers holding a connection get its store with storeOf(db); each aggregate
// is built on first use and keeps its prepared statements.
import type { Db } from '../connection.js';
import { PostsStore } from './posts-store.js';
import { SourcesStore } from './sources-store.js';
import { IncidentsStore } from './incidents-store.js';
import { AlertsStore } from './alerts-store.js';
import { UsersStore } from './users-store.js';
import { RulesStore } from './rules-store.js';
import { ReadModels } from './read-models.js';
import { ProcessLeases } from './process-leases.js';
import { AccountsStore } from './accounts-store.js';

export class Store {
  private p?: PostsStore;
  private s?: SourcesStore;
  private i?: IncidentsStore;
  private a?: AlertsStore;
  private u?: UsersStore;
  private r?: RulesStore;
  private m?: ReadModels;
  private l?: ProcessLeases;
  private ac?: AccountsStore;
  constructor(readonly db: Db) {}
  get posts(): PostsStore { return (this.p ??= new PostsStore(this.db)); }
  get sources(): SourcesStore { return (this.s ??= new SourcesStore(this.db)); }
  get incidents(): IncidentsStore { return (this.i ??= new IncidentsStore(this.db)); }
  get alerts(): AlertsStore { return (this.a ??= new AlertsStore(this.db)); }
  get users(): UsersStore { return (this.u ??= new UsersStore(this.db)); }
  get rules(): RulesStore { return (this.r ??= new RulesStore(this.db)); }
  get reads(): ReadModels { return (this.m ??= new ReadModels(this.db)); }
  get leases(): ProcessLeases { return (this.l ??= new ProcessLeases(this.db)); }
  get accounts(): AccountsStore { return (this.ac ??= new AccountsStore(this.db)); }
  /** Run fn in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T { return this.db.inTransaction ? fn() : this.db.transaction(fn)(); }
  /**
   * Run fn in one transaction exactly as db.transaction(fn)() does: inside another transaction it is
   * a savepoint, so an error thrown by fn undoes fn's writes only and the outer transaction goes on.
   * The alerting outbox and the desk rely on that boundary (an alert the notifier could not record
   * leaves no half-written state behind in the pipeline's batch).
   */
  atomic<T>(fn: () => T): T { return this.db.transaction(fn)(); }
  /**
   * Open a write transaction that spans many calls, ended by commit(): replay batches many clock
   * steps into one (committed every ~20k observations). tx() inside it joins it; atomic() is a savepoint in it.
   */
  begin(): void { this.db.exec('BEGIN IMMEDIATE'); }
  /** Commit the transaction begin() opened. */
  commit(): void { this.db.exec('COMMIT'); }
}

const stores = new WeakMap<Db, Store>();

/** The store over a connection (one per connection, cached). */
export function storeOf(db: Db): Store {
  let s = stores.get(db);
  if (!s) stores.set(db, (s = new Store(db)));
  return s;
}
