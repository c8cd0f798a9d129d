// Desk error classes; the HTTP layer maps them to 404 / 409 / 400.
import { UserError } from '../core/errors.js';

export class NotFoundError extends UserError { override name = 'NotFoundError'; }
/** The requested change conflicts with the current state (e.g. an invalid status transition). */
export class ConflictError extends UserError { override name = 'ConflictError'; }
