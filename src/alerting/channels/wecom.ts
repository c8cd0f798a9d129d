// WeCom (企业微信) group robot: POST {msgtype: "markdown", markdown: {content}} to the webhook.
// content is UTF-8 and at most 4096 bytes (errcode 40058 otherwise), so we render to that budget.
// HTTP 200 with errcode != 0 is a failure: 45009 (rate limit) and -1 (busy) are transient,
// everything else (93000 invalid webhook, 40058 too long, ...) permanent.
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { renderMarkdown } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';

export const WECOM_MARKDOWN_MAX_BYTES = 4096;
const TRANSIENT_CODES = new Set([-1, 45009, 45033]);

const configSchema = z.object({
  webhook: httpUrl,
  /** mention these userids (<@userid>) on P1 */
  mention_users: z.array(z.string()).optional(),
}).strict();
export type WecomConfig = z.infer<typeof configSchema>;

export const wecomChannel: ChannelDefinition<WecomConfig> = {
  type: 'wecom',
  description: 'WeCom group robot, markdown (4096-byte limit)',
  configSchema,
  async send(config, n, ctx) {
    const mentions = n.level === 'P1' && config.mention_users?.length ? '\n' + config.mention_users.map((u) => `<@${u.replace(/[<>]/g, '')}>`).join(' ') : '';
    const content = renderMarkdown(n, 'wecom', WECOM_MARKDOWN_MAX_BYTES - Buffer.byteLength(mentions)) + mentions;
    const r = await postJson(config.webhook, { msgtype: 'markdown', markdown: { content } }, ctx);
    checkHttpStatus(r, 'WeCom');
    const body = r.json as { errcode?: number; errmsg?: string } | null;
    if (!body || typeof body.errcode !== 'number') throw new PermanentDeliveryError(`WeCom answered without an errcode: ${r.text.slice(0, 200)}`, r.status);
    if (body.errcode !== 0) {
      const msg = `WeCom errcode ${body.errcode}: ${body.errmsg ?? ''}`;
      if (TRANSIENT_CODES.has(body.errcode)) throw new TransientDeliveryError(msg, r.status, body.errcode, 60_000);
      throw new PermanentDeliveryError(msg, r.status, body.errcode);
    }
    return { statusCode: r.status, detail: `errcode 0 (${Buffer.byteLength(content)} bytes)` };
  },
};
