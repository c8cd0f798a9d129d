// DingTalk (钉钉) custom robot. Signing ("加签"): timestamp = ms since epoch, sign =
// urlEncode(Base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`))), appended to
// the webhook as &timestamp=...&sign=... (DingTalk rejects a timestamp more than an hour off).
// Keyword security ("自定义关键词"): the message must contain one of the configured keywords, so
// list them under `keywords:` and we make sure the first is in the title and the text.
// Body: {msgtype: "markdown", markdown: {title, text}}. HTTP 200 with errcode != 0 is a failure:
// 130101 / 410100 (sending too fast) are transient; 310000 (sign/keyword/IP check failed),
// 300001 (bad token) and the rest are permanent.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { headline, renderMarkdown } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { truncateUtf8 } from '../text-safety.js';

/** DingTalk does not publish one number; 20000 bytes of markdown text is accepted in practice. */
export const DINGTALK_TEXT_MAX_BYTES = 18_000;
const TRANSIENT_CODES = new Set([-1, 130101, 410100, 400102]);

const configSchema = z.object({
  webhook: httpUrl,
  secret: z.string().min(1).optional(),
  keywords: z.array(z.string().min(1)).optional(),
  at_mobiles: z.array(z.string()).optional(),
}).strict();
export type DingtalkConfig = z.infer<typeof configSchema>;

export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function dingtalkSignedUrl(webhook: string, secret: string, timestampMs: number): string {
  const sep = webhook.includes('?') ? '&' : '?';
  return `${webhook}${sep}timestamp=${timestampMs}&sign=${encodeURIComponent(dingtalkSign(timestampMs, secret))}`;
}

export const dingtalkChannel: ChannelDefinition<DingtalkConfig> = {
  type: 'dingtalk',
  description: 'DingTalk robot, markdown, HMAC-SHA256 timestamp+sign, keyword security',
  configSchema,
  async send(config, n, ctx) {
    const kw = config.keywords?.[0];
    let title = truncateUtf8(headline(n), 120);
    if (kw && !config.keywords!.some((k) => title.includes(k))) title = `${kw} ${title}`;
    const mentions = n.level === 'P1' && config.at_mobiles?.length ? '\n\n' + config.at_mobiles.map((m) => `@${m.replace(/\D/g, '')}`).join(' ') : '';
    const prefix = kw ? `${kw}\n\n` : '';
    const text = prefix + renderMarkdown(n, 'dingtalk', DINGTALK_TEXT_MAX_BYTES - Buffer.byteLength(prefix + mentions)) + mentions;
    const url = config.secret ? dingtalkSignedUrl(config.webhook, config.secret, ctx.now.getTime()) : config.webhook;
    const payload: Record<string, unknown> = { msgtype: 'markdown', markdown: { title, text } };
    if (mentions) payload.at = { atMobiles: config.at_mobiles!.map((m) => m.replace(/\D/g, '')), isAtAll: false };
    const r = await postJson(url, payload, ctx);
    checkHttpStatus(r, 'DingTalk');
    const body = r.json as { errcode?: number; errmsg?: string } | null;
    if (!body || typeof body.errcode !== 'number') throw new PermanentDeliveryError(`DingTalk answered without an errcode: ${r.text.slice(0, 200)}`, r.status);
    if (body.errcode !== 0) {
      const msg = `DingTalk errcode ${body.errcode}: ${body.errmsg ?? ''}`;
      if (TRANSIENT_CODES.has(body.errcode)) throw new TransientDeliveryError(msg, r.status, body.errcode, 60_000);
      throw new PermanentDeliveryError(msg, r.status, body.errcode);
    }
    return { statusCode: r.status, detail: `errcode 0 (${Buffer.byteLength(text)} bytes)` };
  },
};
