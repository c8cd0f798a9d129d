// Alerts and deliveries: alert state and decisions, groups, notifications, the outbox (deliveries, attempts, log), silences, escalations, sender leases, warnings and feedback.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';
import { AlertRepo } from './alert-repo.js';

export class AlertsStore {
  private rec?: AlertRepo;
  constructor(private readonly db: Db) {}

  /** The alerts table (src/db/store/alert-repo.ts). */
  get records(): AlertRepo { return (this.rec ??= new AlertRepo(this.db)); }
}
