// Feishu / Lark custom bot. Signature ("签名校验"): `timestamp` (seconds) and `sign` go in the JSON
// body; sign = Base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = "")) — the key is the
// string-to-sign and the message is empty. Keyword security also applies (19024 when missing).
// We send an interactive card: coloured header (red/orange/yellow/blue) and one lark_md element.
// The request body must stay under 20 KB. HTTP 200 with `code` != 0 (or `StatusCode` != 0 in the
// old API) is a failure: 9499/11232/11233 (rate limit) are transient; 19021 (bad signature or
// timestamp), 19022 (IP), 19024 (keyword) and others permanent.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { headline, renderMarkdown } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { truncateUtf8 } from '../text-safety.js';

export const FEISHU_MD_MAX_BYTES = 16_000;
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

export const feishuChannel: ChannelDefinition<FeishuConfig> = {
  type: 'feishu',
  description: 'Feishu/Lark bot, interactive card, signature (timestamp + sign) in the body',
  configSchema,
  async send(config, n, ctx) {
    const kw = config.keywords?.[0];
    let title = truncateUtf8(headline(n), 200);
    if (kw && !config.keywords!.some((k) => title.includes(k))) title = `${kw} ${title}`;
    const md = renderMarkdown(n, 'feishu', FEISHU_MD_MAX_BYTES);
    const payload: Record<string, unknown> = {
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: { template: n.state === 'resolved' ? 'green' : TEMPLATE[n.level], title: { tag: 'plain_text', content: title } },
        elements: [{ tag: 'div', text: { tag: 'lark_md', content: md } }],
      },
    };
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
    return { statusCode: r.status, detail: `code 0 (${Buffer.byteLength(md)} bytes)` };
  },
};
