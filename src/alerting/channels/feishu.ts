// Feishu / Lark custom bot. Signature ("签名校验"): `timestamp` (seconds) and `sign` go in the JSON
// body; sign = Base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = "")) — the key is the
// string-to-sign and the message is empty. Keyword security also applies (19024 when missing).
// We send an interactive card: a coloured header (red/orange/yellow/blue) with the level and title,
// then `div` elements whose text is `plain_text` (shown exactly as given: no markdown, no
// <at> mentions, no <font>, no links, so crawled text needs no escaping at all), and an `action`
// row of URL buttons (incident, acknowledge, original post). The keyword, when keyword security
// needs one, follows the title.
// The request body must stay under 20 KB. HTTP 200 with `code` != 0 (or `StatusCode` != 0 in the
// old API) is a failure: 9499/11232/11233 (rate limit) are transient; 19021 (bad signature or
// timestamp), 19022 (IP), 19024 (keyword) and others permanent.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { factText, headline, messageParts, postByline, LABEL, type Notification } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { truncateUtf8 } from '../text-safety.js';

/** the request body must stay under 20 KB; the card's text is kept well inside that */
export const FEISHU_TEXT_MAX_BYTES = 12_000;
const TRANSIENT_CODES = new Set([9499, 11232, 11233, 11247]);

const configSchema = z.object({
  webhook: httpUrl,
  secret: z.string().min(1).optional(),
  keywords: z.array(z.string().min(1)).optional(),
}).strict();
export type FeishuConfig = z.infer<typeof configSchema>;

export function feishuSign(timestampSec: number, secret: string): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

const TEMPLATE = { P1: 'red', P2: 'orange', P3: 'yellow', P4: 'blue' } as const;

const plain = (content: string) => ({ tag: 'plain_text', content });

/** The interactive card (without signature fields). */
export function feishuCard(n: Notification, keywords?: string[]): Record<string, unknown> {
  const m = messageParts(n);
  const kw = keywords?.[0];
  let title = truncateUtf8(headline(n), 200);
  if (kw && !keywords!.some((k) => title.includes(k))) title = `${title} · ${kw}`;
  const elements: unknown[] = [];
  if (m.post) elements.push({ tag: 'div', text: plain(`“${m.post.text}”\n${postByline(m.post)}`.trim()) });
  const lines = [...m.lines, ...m.facts.map((f) => factText(f))].join('\n');
  if (lines) elements.push({ tag: 'div', text: plain(truncateUtf8(lines, FEISHU_TEXT_MAX_BYTES)) });
  const buttons = [
    m.ack ? { tag: 'button', text: plain(m.ack.label), url: m.ack.url, type: 'primary' } : null,
    m.incident ? { tag: 'button', text: plain(m.incident.label), url: m.incident.url, type: 'default' } : null,
    m.post?.url ? { tag: 'button', text: plain(LABEL.original), url: m.post.url, type: 'default' } : null,
  ].filter(Boolean);
  if (buttons.length) elements.push({ tag: 'action', actions: buttons });
  if (m.ack?.validUntil) elements.push({ tag: 'note', elements: [plain(m.ack.validUntil)] });
  return {
    config: { wide_screen_mode: true },
    header: { template: n.state === 'resolved' ? 'green' : TEMPLATE[n.level], title: plain(title) },
    elements,
  };
}

export const feishuChannel: ChannelDefinition<FeishuConfig> = {
  type: 'feishu',
  description: 'Feishu/Lark bot, interactive card, signature (timestamp + sign) in the body',
  configSchema,
  async send(config, n, ctx) {
    const card = feishuCard(n, config.keywords);
    const payload: Record<string, unknown> = { msg_type: 'interactive', card };
    if (config.secret) {
      const ts = Math.floor(ctx.now.getTime() / 1000);
      payload.timestamp = String(ts);
      payload.sign = feishuSign(ts, config.secret);
    }
    const r = await postJson(config.webhook, payload, ctx);
    checkHttpStatus(r, 'Feishu');
    const body = r.json as { code?: number; msg?: string; StatusCode?: number; StatusMessage?: string } | null;
    const code = typeof body?.code === 'number' ? body.code : typeof body?.StatusCode === 'number' ? body.StatusCode : undefined;
    if (code === undefined) throw new PermanentDeliveryError(`Feishu answered without a code: ${r.text.slice(0, 200)}`, r.status);
    if (code !== 0) {
      const msg = `Feishu code ${code}: ${body?.msg ?? body?.StatusMessage ?? ''}`;
      if (TRANSIENT_CODES.has(code)) throw new TransientDeliveryError(msg, r.status, code, 60_000);
      throw new PermanentDeliveryError(msg, r.status, code);
    }
    return { statusCode: r.status, detail: `code 0 (${Buffer.byteLength(JSON.stringify(card))} bytes)` };
  },
};
