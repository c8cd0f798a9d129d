// DingTalk (钉钉) custom robot. Signing ("加签"): timestamp = ms since epoch, sign =
// urlEncode(Base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`))), appended to
// the webhook as &timestamp=...&sign=... (DingTalk rejects a timestamp more than an hour off).
// Keyword security ("自定义关键词"): the message must contain one of the configured keywords, so
// list them under `keywords:` and we make sure the first is in the title and the text (after the
// title in the preview, at the end of the text, so the level and title still lead).
// Body: {msgtype: "markdown", markdown: {title, text}}: `title` is the plain preview line in the
// chat list, `text` the robot's documented markdown subset (headings, > quotes, **bold**, *italic*,
// [links](url), images, lists; no colours, no escape character), so crawled text is neutralised
// (text-safety.ts), never backslash-escaped. Blocks are separated by blank lines, since a single
// newline does not break a line there. HTTP 200 with errcode != 0 is a failure:
// 130101 / 410100 (sending too fast) are transient; 310000 (sign/keyword/IP check failed),
// 300001 (bad token) and the rest are permanent.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { fitMessage, headline, markdownFact, markdownLink, markdownPost, messageParts, LABEL, type Notification } from '../message.js';
import { neutralizeMarkdown, neutralizeMarkdownLine } from '../text-safety.js';
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

/** The markdown text: level and title, the post, then a few short lines and the links. */
export function dingtalkMarkdown(n: Notification, maxBytes = DINGTALK_TEXT_MAX_BYTES): string {
  const m = messageParts(n);
  const blocks: { text: string; keep?: boolean }[] = [
    { text: `#### ${m.levelTag}${m.kindTag}${neutralizeMarkdown(truncateUtf8(m.title, Math.floor(maxBytes / 5)))}`, keep: true },
  ];
  if (m.post) blocks.push({ text: markdownPost(m.post) });
  for (const l of m.lines) blocks.push({ text: neutralizeMarkdownLine(l) });
  for (const f of m.facts) blocks.push({ text: markdownFact(f, Math.floor(maxBytes / 6)), keep: f.label === LABEL.risk });
  const links = [m.incident, m.ack].filter((l) => l !== null).map(markdownLink);
  if (links.length) blocks.push({ text: links.join(' · ') + (m.ack?.validUntil ? `（${m.ack.validUntil}）` : ''), keep: true });
  return fitMessage(blocks, maxBytes, '\n\n');
}

/** The plain preview title, with the first keyword after it when keyword security needs one. */
export function dingtalkTitle(n: Notification, keywords?: string[]): string {
  const kw = keywords?.[0];
  const title = truncateUtf8(headline(n), 120 - (kw ? Buffer.byteLength(kw) + 3 : 0));
  return kw && !keywords!.some((k) => title.includes(k)) ? `${title} · ${kw}` : title;
}

export const dingtalkChannel: ChannelDefinition<DingtalkConfig> = {
  type: 'dingtalk',
  description: 'DingTalk robot, markdown, HMAC-SHA256 timestamp+sign, keyword security',
  configSchema,
  async send(config, n, ctx) {
    const kw = config.keywords?.[0];
    const title = dingtalkTitle(n, config.keywords);
    const mentions = n.level === 'P1' && config.at_mobiles?.length ? '\n\n' + config.at_mobiles.map((m) => `@${m.replace(/\D/g, '')}`).join(' ') : '';
    let text = dingtalkMarkdown(n, DINGTALK_TEXT_MAX_BYTES - Buffer.byteLength(mentions) - (kw ? Buffer.byteLength(kw) + 2 : 0));
    if (kw && !config.keywords!.some((k) => text.includes(k))) text += `\n\n${kw}`;
    text += mentions;
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
