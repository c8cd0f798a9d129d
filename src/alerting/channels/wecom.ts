// WeCom (企业微信) group robot: POST {msgtype: "markdown", markdown: {content}} to the webhook.
// content is UTF-8 and at most 4096 bytes (errcode 40058 otherwise), so we render to that budget.
// The robot's documented markdown is a small subset: headings, **bold**, [links](url), `code`,
// > quotes, <font color="info|comment|warning"> and <@userid> mentions; no escape character, so
// crawled text is neutralised (text-safety.ts), never backslash-escaped. Lines are \n-separated.
// HTTP 200 with errcode != 0 is a failure: 45009 (rate limit) and -1 (busy) are transient,
// everything else (93000 invalid webhook, 40058 too long, ...) permanent.
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { fitMessage, markdownFact, markdownLink, markdownPost, messageParts, LABEL, type Notification } from '../message.js';
import { neutralizeMarkdown, neutralizeMarkdownLine, truncateUtf8 } from '../text-safety.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';

export const WECOM_MARKDOWN_MAX_BYTES = 4096;
const TRANSIENT_CODES = new Set([-1, 45009, 45033]);

const configSchema = z.object({
  webhook: httpUrl,
  /** mention these userids (<@userid>) on P1 */
  mention_users: z.array(z.string()).optional(),
}).strict();
export type WecomConfig = z.infer<typeof configSchema>;

/** WeCom's three colours: warning (orange-red), comment (grey), info (green). */
function fontColor(n: Notification): 'warning' | 'comment' | 'info' {
  if (n.state === 'resolved') return 'info';
  return n.level === 'P1' || n.level === 'P2' ? 'warning' : n.level === 'P3' ? 'comment' : 'info';
}

/** The markdown content: level and title, the post, then a few short lines and the links. */
export function wecomMarkdown(n: Notification, maxBytes = WECOM_MARKDOWN_MAX_BYTES): string {
  const m = messageParts(n);
  const blocks: { text: string; keep?: boolean }[] = [
    { text: `<font color="${fontColor(n)}">${m.levelTag}${m.kindTag}</font>**${neutralizeMarkdown(truncateUtf8(m.title, Math.floor(maxBytes / 5)))}**`, keep: true },
  ];
  if (m.post) blocks.push({ text: markdownPost(m.post) });
  for (const l of m.lines) blocks.push({ text: neutralizeMarkdownLine(l) });
  for (const f of m.facts) blocks.push({ text: markdownFact(f, Math.floor(maxBytes / 6)), keep: f.label === LABEL.risk });
  const links = [m.incident, m.ack].filter((l) => l !== null).map(markdownLink);
  if (links.length) blocks.push({ text: links.join(' · '), keep: true });
  if (m.ack?.validUntil) blocks.push({ text: `<font color="comment">${m.ack.validUntil}</font>`, keep: true });
  return fitMessage(blocks, maxBytes, '\n');
}

export const wecomChannel: ChannelDefinition<WecomConfig> = {
  type: 'wecom',
  description: 'WeCom group robot, markdown (4096-byte limit)',
  configSchema,
  async send(config, n, ctx) {
    const mentions = n.level === 'P1' && config.mention_users?.length ? '\n' + config.mention_users.map((u) => `<@${u.replace(/[<>]/g, '')}>`).join(' ') : '';
    const content = wecomMarkdown(n, WECOM_MARKDOWN_MAX_BYTES - Buffer.byteLength(mentions)) + mentions;
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
