// Gotify (self-hosted push): POST {url}/message?token=<application token> with JSON {title,
// message, priority, extras}. Priority 0-10 as the Android app reads it (8 and up: sound and
// pop-up): P1 10, P2 8, P3 5, P4 2, resolved 2. `extras` says the message is plain text
// (client::display) and opens the incident page on tap (client::notification click url).
// Success is 200 with the stored message ({"id", "appid", …}); 401 {"error": "Unauthorized",
// "errorCode": 401, …} (bad token), 400 and 403 are permanent, 429 and 5xx transient.
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { messageParts, type Notification } from '../message.js';
import { PermanentDeliveryError } from '../errors.js';
import { pushBody, pushTitle } from './phone-push.js';
import type { Level } from '../../core/alert.js';

export const GOTIFY_BODY_MAX_BYTES = 8000;

const configSchema = z.object({
  /** the server, e.g. https://gotify.example.com (a path prefix is kept) */
  url: httpUrl,
  /** an application token (Apps → create application); keep it in an environment variable */
  token: z.string().min(1),
}).strict();
export type GotifyConfig = z.infer<typeof configSchema>;

const PRIORITY: Record<Level, number> = { P1: 10, P2: 8, P3: 5, P4: 2 };

export function gotifyPayload(n: Notification): Record<string, unknown> {
  const m = messageParts(n);
  const extras: Record<string, unknown> = { 'client::display': { contentType: 'text/plain' } };
  if (m.incident) extras['client::notification'] = { click: { url: m.incident.url } };
  return {
    title: pushTitle(n, 250),
    message: pushBody(n, { maxBytes: GOTIFY_BODY_MAX_BYTES, ackLink: true }),
    priority: n.state === 'resolved' ? 2 : PRIORITY[n.level],
    extras,
  };
}

export function gotifyMessageUrl(config: GotifyConfig): string {
  const u = new URL(config.url);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/message`;
  u.search = '';
  u.searchParams.set('token', config.token);
  return u.href;
}

export const gotifyChannel: ChannelDefinition<GotifyConfig> = {
  type: 'gotify',
  description: 'Gotify server message, priority by level, tap opens the incident',
  configSchema,
  async send(config, n, ctx) {
    // the token is in the query: errors name the host only (postRaw), never the URL
    const r = await postJson(gotifyMessageUrl(config), gotifyPayload(n), ctx);
    checkHttpStatus(r, 'Gotify');
    const body = r.json as { id?: unknown } | null;
    if (!body || typeof body.id !== 'number') throw new PermanentDeliveryError(`Gotify did not confirm the message (no message id): ${r.text.slice(0, 200) || '(empty body)'}`, r.status);
    return { statusCode: r.status, detail: `Gotify message ${body.id}` };
  },
};
