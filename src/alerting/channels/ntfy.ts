// ntfy (ntfy.sh or a self-hosted server): POST the message body (plain text) to the topic URL,
// with the headline in `Title`, `Priority` 1-5 (P1 5 urgent, P2 4 high, P3 3 default, P4 and
// resolved 2 low), `Tags` (an emoji short code for the level, the level, any configured tags),
// `Click` (the incident page) and an `Actions` "view" button for the signed acknowledge link.
// HTTP header values cannot carry Chinese, so a non-ASCII title is sent as RFC 2047 encoded-words
// (=?UTF-8?B?…?=), which ntfy decodes (server 2.4.0 or newer). Access-controlled topics take
// `Authorization: Bearer <token>`. A message must stay under 4096 bytes (larger bodies become an
// attachment), so the body is cut by whole blocks at 3,800 bytes. Success is 200 with the stored
// message as JSON ({"id", "event": "message", …}); errors are {"code": 40101, "http": 401,
// "error": "unauthorized"}: 401/403/404/413 permanent, 429 and 5xx transient.
import { z } from 'zod';
import { checkHttpStatus, postRaw, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { messageParts, type Notification } from '../message.js';
import { PermanentDeliveryError } from '../errors.js';
import { pushBody, pushTitle } from './phone-push.js';
import type { Level } from '../../core/alert.js';

export const NTFY_BODY_MAX_BYTES = 3800;

const configSchema = z.object({
  /** the topic URL, e.g. https://ntfy.sh/acme-pr-desk (a long, unguessable topic name on ntfy.sh) */
  url: httpUrl.refine((u) => /^\/[^/]+/.test(new URL(u).pathname), { message: 'must name the topic, e.g. https://ntfy.sh/acme-pr-desk' }),
  /** access token (tk_…) for a protected topic; keep it in an environment variable */
  token: z.string().min(1).optional(),
  /** more tags (emoji short codes or words) */
  tags: z.array(z.string().regex(/^[A-Za-z0-9_+\-]+$/, { message: 'a tag is letters, digits, _ + -' })).optional(),
}).strict();
export type NtfyConfig = z.infer<typeof configSchema>;

const PRIORITY: Record<Level, number> = { P1: 5, P2: 4, P3: 3, P4: 2 };
const EMOJI: Record<Level, string> = { P1: 'rotating_light', P2: 'warning', P3: 'eyes', P4: 'information_source' };

/** An ASCII header value: as is when printable ASCII, else RFC 2047 base64 encoded-words of at most 45 bytes each. */
export function rfc2047(value: string): string {
  const s = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  const words: string[] = [];
  let chunk = '';
  for (const ch of s) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) { words.push(chunk); chunk = ''; }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

export function ntfyRequest(n: Notification, config: NtfyConfig): { headers: Record<string, string>; body: string } {
  const m = messageParts(n);
  const resolved = n.state === 'resolved';
  // a URL with , ; or " would break the simple Actions syntax: then the link goes in the body
  const ackAction = m.ack && !/[,;"]/.test(m.ack.url) ? `view, Acknowledge, ${m.ack.url}, clear=true` : null;
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    title: rfc2047(pushTitle(n)),
    priority: String(resolved ? 2 : PRIORITY[n.level]),
    tags: [resolved ? 'white_check_mark' : EMOJI[n.level], n.level, ...(config.tags ?? [])].join(','),
  };
  if (m.incident) headers.click = m.incident.url;
  if (ackAction) headers.actions = ackAction;
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  return { headers, body: pushBody(n, { maxBytes: NTFY_BODY_MAX_BYTES, ackLink: !ackAction && !!m.ack }) };
}

export const ntfyChannel: ChannelDefinition<NtfyConfig> = {
  type: 'ntfy',
  description: 'ntfy topic (ntfy.sh or self-hosted): title, priority, tags, tap-to-open and an acknowledge button',
  configSchema,
  async send(config, n, ctx) {
    const { headers, body } = ntfyRequest(n, config);
    const r = await postRaw(config.url, body, headers, ctx);
    checkHttpStatus(r, 'ntfy');
    const json = r.json as { id?: unknown; event?: unknown } | null;
    if (!json || typeof json.id !== 'string') throw new PermanentDeliveryError(`ntfy did not confirm the message (no message id): ${r.text.slice(0, 200) || '(empty body)'}`, r.status);
    return { statusCode: r.status, detail: `ntfy message ${json.id}` };
  },
};
