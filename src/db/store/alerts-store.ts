// Alerts and deliveries: alert state and decisions, groups, notifications, the outbox (deliveries, attempts, log), silences, escalations, sender leases, warnings and feedback.
// Part of the store layer (src/db/store): this module is the one owner of its tables' SQL.
import type { Db } from '../connection.js';

export class AlertsStore {
  constructor(private readonly db: Db) {}
}
