// Generic webhook: POST a JSON body (the contract alert plus the rendered notification), signed
// with `X-Flarewatch-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`, with the send time in
// `X-Flarewatch-Timestamp` (also inside the body, so it is covered by the signature) and a stable
// `X-Flarewatch-Delivery` id that is the same on every retry, so receivers can deduplicate.
// `alert` is the contract alert (contracts.md §3) as is; `notification` extends it for people:
// its `forecast` keeps the pipeline's `early` mark and `forecastText` is the forecast line the IM
// messages show ("尚早，暂不预测（…）/ too early to forecast (…)" when the forecast is early).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { checkHttpStatus, postRaw, type ChannelDefinition } from './channel.js';
import { forecastText, headline } from '../message.js';

export const httpUrl = z.string().url().refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http(s) URL' });

const configSchema = z.object({
  url: httpUrl,
  /** empty = unsigned (not recommended) */
  secret: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
}).strict();
export type WebhookConfig = z.infer<typeof configSchema>;

export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const webhookChannel: ChannelDefinition<WebhookConfig> = {
  type: 'webhook',
  description: 'generic JSON webhook, HMAC-SHA256 of the body in X-Flarewatch-Signature',
  configSchema,
  async send(config, n, ctx) {
    const sentAt = ctx.now.toISOString();
    const body = JSON.stringify({
      version: 1, kind: n.kind, delivery: ctx.deliveryKey, sentAt, receiver: n.receiver,
      summary: headline(n),
      alert: n.alert,
      notification: {
        level: n.level, state: n.state, topic: n.topic, incident: n.incident, title: n.title, risk: n.risk,
        reasons: n.reasons, forecast: n.forecast, forecastText: forecastText(n.forecast), posts: n.posts, postCount: n.postCount, lines: n.lines, others: n.others, at: n.at,
      },
      dashboardUrl: n.dashboardUrl, ackUrl: n.ackUrl, ackExpiresAt: n.ackExpiresAt,
    });
    const headers: Record<string, string> = {
      ...(config.headers ?? {}),
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'flarewatch-alerting/1',
      'x-flarewatch-timestamp': String(Math.floor(ctx.now.getTime() / 1000)),
      'x-flarewatch-delivery': ctx.deliveryKey,
      'idempotency-key': ctx.deliveryKey,
    };
    if (config.secret) headers['x-flarewatch-signature'] = signWebhookBody(body, config.secret);
    const r = await postRaw(config.url, body, headers, ctx);
    checkHttpStatus(r, 'webhook');
    return { statusCode: r.status, detail: `HTTP ${r.status}` };
  },
};
