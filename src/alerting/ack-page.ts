// The signed acknowledge link's pages, mounted at the root without a session (the token is the
// authority). GET /ack/:token is safe: it shows the incident and a small form asking who
// acknowledges, and never acknowledges by itself, so link previewers, mail scanners and a
// second look change nothing. POST /ack/:token with `name` acknowledges and records that name.
// Times are shown in the desk's zone (FLAREWATCH_TZ). The pages use no inline style or script:
// their style sheet is GET /ack/assets/ack.css, which the app's CSP (style-src 'self') allows.
import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../db/connection.js';
import { AckTokenError, verifyAckToken } from './ack-link.js';
import { escapeHtml } from './text-safety.js';
import { DEFAULT_TIME_ZONE, localTimeWithZone } from './display-time.js';
import { ConflictError, NotFoundError } from '../desk/errors.js';
import { acknowledgeIncident, getDeskIncident, type DeskIncident } from '../desk/incident-desk.js';

/**
 * User agents of link unfurlers and mail scanners: they fetch links without a human clicking.
 * The IM apps' own in-app browsers (DingTalk, wxwork, Lark/Feishu) are people and must match nothing here.
 */
export const LINK_PREVIEW_UA = /bot\b|bot\/|crawler|spider|preview|facebookexternalhit|linkexpand|embedly|mimecast|proofpoint|barracuda|safelinks/i;

export interface AckLinkRouterDeps {
  db: Db;
  secret: string;
  now: () => Date;
  /** for FLAREWATCH_TZ (displayed times); Asia/Shanghai without it */
  env?: { timezone?: string };
}

export const ACK_STYLESHEET_PATH = '/ack/assets/ack.css';
/** remembers the acknowledger's name on this browser, to fill the form next time (not an authority) */
const NAME_COOKIE = 'fw_ack_name';
export const ACK_NAME_MAX_CHARS = 60;

const STYLESHEET = `body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:560px;margin:32px auto;padding:0 16px;color:#222;line-height:1.5}
h1{font-size:22px;margin:0 0 12px}
.ok h1{color:#2e7d32}.ask h1{color:#b3261e}.info h1{color:#455a64}.fail h1{color:#c62828}
.incident{font-size:17px;margin:0 0 4px}.muted{color:#666;font-size:14px}
form{margin:20px 0}label{display:block;font-weight:600;margin-bottom:6px}
input[type=text]{box-sizing:border-box;width:100%;font-size:17px;padding:10px;border:1px solid #999;border-radius:6px}
button{margin-top:12px;width:100%;font-size:17px;padding:12px;border:0;border-radius:6px;background:#b3261e;color:#fff}
.error{color:#c62828;font-weight:600}
a{color:#1f5fa8}
`;

function page(kind: 'ok' | 'ask' | 'info' | 'fail', title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="${ACK_STYLESHEET_PATH}"></head>
<body class="${kind}"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function cookieName(req: Request): string {
  const raw = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${NAME_COOKIE}=`));
  if (!raw) return '';
  try { return cleanName(decodeURIComponent(raw.slice(NAME_COOKIE.length + 1))) ?? ''; } catch { return ''; }
}

/** The acknowledger's name as recorded: one line, no control characters, at most 60 characters; null when empty. */
export function cleanName(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const s = v.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return s ? [...s].slice(0, ACK_NAME_MAX_CHARS).join('') : null;
}

export function createAckLinkRouter(deps: AckLinkRouterDeps): Router {
  const { db } = deps;
  const tz = deps.env?.timezone || DEFAULT_TIME_ZONE;
  const at = (iso: string | Date | null) => escapeHtml(localTimeWithZone(iso, tz) ?? '—');
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const json = express.json({ limit: '4kb' });

  r.get(ACK_STYLESHEET_PATH, (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=86400').send(STYLESHEET);
  });

  const headers = (res: Response) => res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer').set('x-robots-tag', 'noindex').type('html');

  const incidentLine = (i: DeskIncident) =>
    `<p class="incident"><b>${escapeHtml(i.level ?? '')} ${escapeHtml(i.title)}</b></p><p class="muted">事件 Incident ${escapeHtml(i.id)} · <a href="/#/incident/${encodeURIComponent(i.id)}">在看板中查看 Open on the dashboard</a></p>`;
  const ackedLine = (i: DeskIncident) =>
    `<p>确认人 Acknowledged by <b>${escapeHtml(i.acknowledgedBy ?? '—')}</b> · ${at(i.acknowledgedAt)}</p>`;

  const failPage = (res: Response, e: unknown) => {
    const status = e instanceof AckTokenError ? (e.reason === 'expired' ? 410 : 400) : e instanceof NotFoundError ? 404 : e instanceof ConflictError ? 409 : 500;
    let msg = e instanceof AckTokenError || e instanceof NotFoundError || e instanceof ConflictError ? (e as Error).message.split('\n')[0] : 'internal error';
    if (e instanceof AckTokenError && e.reason === 'expired') msg = '确认链接已过期 / this acknowledge link has expired';
    res.status(status).send(page('fail', '无法确认 Cannot acknowledge', `<p>${escapeHtml(msg)}</p><p>请登录看板确认 / Please acknowledge from the dashboard: <a href="/">Flarewatch</a></p>`));
  };

  /** The form asking who acknowledges (also shown again with `error` after an empty name). */
  const askPage = (i: DeskIncident, expiresAt: Date, name: string, error?: string) => page('ask', '确认接手 Acknowledge', `${incidentLine(i)}
<form method="post">
<label for="ack-name">你的名字 Your name</label>
<input type="text" id="ack-name" name="name" required maxlength="${ACK_NAME_MAX_CHARS}" autocomplete="name" value="${escapeHtml(name)}">
${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}<button type="submit">确认接手 Acknowledge</button>
</form>
<p class="muted">链接有效至 Link valid until ${at(expiresAt)}</p>`);

  /** What a GET shows for an incident: the form, or why there is nothing to do. Never acknowledges. */
  const statePage = (i: DeskIncident, expiresAt: Date, name: string): string => {
    if (i.mergedInto) {
      return page('info', '事件已合并 Incident merged', `${incidentLine(i)}<p>已合并到 Merged into <a href="/#/incident/${encodeURIComponent(i.mergedInto)}">${escapeHtml(i.mergedInto)}</a>：请在该事件中处置 / work on that one.</p>`);
    }
    if (i.status === 'resolved' || i.status === 'false_alarm') {
      return page('info', '事件已关闭 Incident closed', `${incidentLine(i)}<p>状态 Status: <b>${escapeHtml(i.status === 'resolved' ? '已解决 resolved' : '误报 false alarm')}</b> · ${at(i.closedAt)}</p>`);
    }
    if (i.acknowledgedAt) return page('ok', '已确认 Already acknowledged', `${incidentLine(i)}${ackedLine(i)}`);
    return askPage(i, expiresAt, name);
  };

  r.get('/ack/:token', (req, res) => {
    headers(res);
    try {
      const { incidentId, expiresAt } = verifyAckToken(String(req.params.token), deps.secret, deps.now());
      if (req.method === 'HEAD' || LINK_PREVIEW_UA.test(req.get('user-agent') ?? '')) {
        res.status(200).send(page('info', '确认链接 Acknowledge link', `<p>事件 Incident ${escapeHtml(incidentId)}</p><p>请在浏览器中打开以确认 / open in a browser to acknowledge.</p>`));
        return;
      }
      res.status(200).send(statePage(getDeskIncident(db, incidentId), expiresAt, cookieName(req)));
    } catch (e) { failPage(res, e); }
  });

  r.post('/ack/:token', form, json, (req, res) => {
    headers(res);
    try {
      const { incidentId, expiresAt } = verifyAckToken(String(req.params.token), deps.secret, deps.now());
      const name = cleanName((req.body as Record<string, unknown> | undefined)?.name);
      if (!name) {
        const i = getDeskIncident(db, incidentId);
        res.status(400).send(i.acknowledgedAt || i.status === 'resolved' || i.status === 'false_alarm'
          ? statePage(i, expiresAt, '') : askPage(i, expiresAt, '', '请填写你的名字 / Please enter your name'));
        return;
      }
      const { incident, already } = acknowledgeIncident(db, incidentId, name, deps.now(), 'link');
      res.append('set-cookie', `${NAME_COOKIE}=${encodeURIComponent(name)}; Path=/ack; Max-Age=31536000; SameSite=Lax; HttpOnly${req.secure ? '; Secure' : ''}`);
      res.status(200).send(page('ok', already ? '已确认 Already acknowledged' : '已确认 Acknowledged', `${incidentLine(incident)}${ackedLine(incident)}
<p>请在看板中指派负责人并更新进展 / Assign an owner and post updates on the dashboard.</p>`));
    } catch (e) { failPage(res, e); }
  });
  return r;
}
