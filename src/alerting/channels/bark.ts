// Bark (iOS push via api.day.app or a self-hosted bark-server): POST {server}/push with JSON
// {device_key, title, body, url, group, level}. `level` is "timeSensitive" for P1 (shown through
// Focus and Do Not Disturb), "active" for P2/P3 and "passive" (no sound or banner) for P4 and
// resolved notices; tapping opens the incident page (`url`). An APNs payload is at most 4 KB, so
// the body is cut by whole blocks at 1,800 bytes. Success is 200 {"code": 200, "message":
// "success"}; a bad device key is 400 {"code": 400, "message": "failed to get device token…"}
// (permanent), 429 and 5xx (APNs trouble) are transient; a 200 whose `code` is not 200 is a failure.
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { messageParts, type Notification } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { pushBody, pushTitle } from './phone-push.js';
import type { Level } from '../../core/alert.js';

export const BARK_BODY_MAX_BYTES = 1800;

const configSchema = z.object({
  /** the key from the Bark app (the path part after https://api.day.app/); keep it in an environment variable */
  device_key: z.string().regex(/^[A-Za-z0-9_-]+$/, { message: 'the device key shown in the Bark app, e.g. NxTzTi3fDN6yZEwq' }),
  /** a self-hosted bark-server; default https://api.day.app */
  server: httpUrl.optional(),
  /** notification group in the app; default Flarewatch */
  group: z.string().min(1).optional(),
  /** a Bark sound name, e.g. alarm */
  sound: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  /** an icon URL (iOS 15+) */
  icon: httpUrl.optional(),
}).strict();
export type BarkConfig = z.infer<typeof configSchema>;

const LEVEL: Record<Level, 'timeSensitive' | 'active' | 'passive'> = { P1: 'timeSensitive', P2: 'active', P3: 'active', P4: 'passive' };

export function barkPayload(n: Notification, config: BarkConfig): Record<string, unknown> {
  const m = messageParts(n);
  const payload: Record<string, unknown> = {
    device_key: config.device_key,
    title: pushTitle(n, 120),
    body: pushBody(n, { maxBytes: BARK_BODY_MAX_BYTES, ackLink: true }),
    group: config.group ?? 'Flarewatch',
    level: n.state === 'resolved' ? 'passive' : LEVEL[n.level],
  };
  if (m.incident) payload.url = m.incident.url;
  if (config.sound) payload.sound = config.sound;
  if (config.icon) payload.icon = config.icon;
  return payload;
}

export const barkChannel: ChannelDefinition<BarkConfig> = {
  type: 'bark',
  description: 'Bark iOS push (api.day.app or bark-server), time-sensitive for P1',
  configSchema,
  async send(config, n, ctx) {
    const server = (config.server ?? 'https://api.day.app').replace(/\/+$/, '');
    const r = await postJson(`${server}/push`, barkPayload(n, config), ctx);
    checkHttpStatus(r, 'Bark');
    const body = r.json as { code?: number; message?: string } | null;
    if (!body || typeof body.code !== 'number') throw new PermanentDeliveryError(`Bark did not confirm the push: ${r.text.slice(0, 200) || '(empty body)'}`, r.status);
    if (body.code !== 200) {
      const msg = `Bark code ${body.code}: ${body.message ?? ''}`;
      if (body.code === 429 || body.code >= 500) throw new TransientDeliveryError(msg, r.status, body.code);
      throw new PermanentDeliveryError(msg, r.status, body.code);
    }
    return { statusCode: r.status, detail: `Bark ${body.message ?? 'success'}` };
  },
};
