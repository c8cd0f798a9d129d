// Settings: the alert receivers and their channels as configured in rules/alerting.yaml, with
// secrets masked (webhook keys and signing secrets never leave the server). Admin only. The test
// send itself is the alerting router's POST /channels/test.
import { Router } from 'express';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { loadAlertingConfig } from '../../config/alerting-config.js';
import { ConfigError } from '../../core/errors.js';

/** Show a URL's origin and path, hiding query strings (access_token=, key=) and path secrets. */
export function maskUrl(v: string): string {
  try {
    const u = new URL(v);
    const path = u.pathname.length > 24 ? `${u.pathname.slice(0, 16)}…` : u.pathname;
    return `${u.protocol}//${u.host}${path}${u.search ? '?…' : ''}`;
  } catch { return '…'; }
}

function describe(config: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!config || typeof config !== 'object') return out;
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    if (/secret|token|password|key/i.test(k)) out[k] = v ? '••••' : null;
    else if (typeof v === 'string' && /^https?:/i.test(v)) out[k] = maskUrl(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v;
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

export function settingsRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/settings/channels', requireRole('admin'), (_req, res) => {
    try {
      const cfg = loadAlertingConfig(deps.rulesDir ?? deps.env.rulesDir, {}, deps.env.timezone);
      res.json({
        file: cfg.file,
        receivers: [...cfg.receivers.values()].map((rc) => ({ name: rc.name, channels: rc.channels.map((c) => ({ type: c.type, config: describe(c.config) })) })),
        smtpConfigured: Boolean(deps.env.smtpUrl),
      });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      res.status(422).json({ error: e.message.split('\n')[0], file: e.file, line: e.line, hint: e.hint ?? null });
    }
  });
  return r;
}
