// Slack incoming webhook: POST {text, attachments: [{color, blocks}]}. Success is HTTP 200 with the
// body `ok` (or JSON {"ok": true} from Slack-compatible endpoints). Errors come as a status and a
// short string: 400 invalid_payload, 403 action_prohibited, 404 no_service / channel_not_found,
// 410 channel_is_archived (permanent), 429 rate_limited (transient, honours Retry-After), 5xx
// rollup_error (transient). Limits: section text 3000 chars.
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { factText, headline, levelColor, messageParts, postByline, LABEL, type MessageLink, type Notification } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { escapeSlack, truncateChars } from '../text-safety.js';

const configSchema = z.object({
  webhook: httpUrl,
  channel: z.string().optional(),
  username: z.string().optional(),
}).strict();
export type SlackConfig = z.infer<typeof configSchema>;

/** <url|label> for our own links (labels ours; | and > in a URL percent-encoded). */
function link(l: MessageLink): string {
  return `<${l.url.replace(/[|>]/g, encodeURIComponent)}|${l.label}>`;
}

/**
 * The message: `text` is the headline (mrkdwn, so &, < and > are escaped; it is also the
 * notification preview); the attachment's colour bar holds the post and the facts as plain_text
 * sections (shown exactly, nothing to escape) and our links in one mrkdwn section.
 */
export function slackPayload(n: Notification, config: Partial<SlackConfig> = {}): Record<string, unknown> {
  const m = messageParts(n);
  const plain = (text: string) => ({ type: 'section', text: { type: 'plain_text', text: truncateChars(text, 3000), emoji: false } });
  const blocks: unknown[] = [];
  if (m.post) blocks.push(plain(`“${m.post.text}”\n${postByline(m.post)}`.trim()));
  const lines = [...m.lines, ...m.facts.map((f) => factText(f))];
  if (lines.length) blocks.push(plain(lines.join('\n')));
  const links = [m.ack, m.incident, m.post?.url ? { label: LABEL.original, url: m.post.url } : null].filter((l): l is MessageLink => l !== null);
  if (links.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: links.map(link).join('  ·  ') + (m.ack?.validUntil ? `\n${m.ack.validUntil}` : '') } });
  const payload: Record<string, unknown> = {
    text: escapeSlack(truncateChars(headline(n), 1000)),
    attachments: [{ color: n.state === 'resolved' ? '#2e7d32' : levelColor(n.level), blocks }],
    unfurl_links: false,
    unfurl_media: false,
  };
  if (config.channel) payload.channel = config.channel;
  if (config.username) payload.username = config.username;
  return payload;
}

export const slackChannel: ChannelDefinition<SlackConfig> = {
  type: 'slack',
  description: 'Slack incoming webhook, Block Kit with level colour',
  configSchema,
  async send(config, n, ctx) {
    const r = await postJson(config.webhook, slackPayload(n, config), ctx);
    checkHttpStatus(r, 'Slack');
    const text = r.text.trim();
    if (text === 'ok') return { statusCode: r.status, detail: 'ok' };
    const body = r.json as { ok?: boolean; error?: string } | null;
    if (body && body.ok === true) return { statusCode: r.status, detail: 'ok' };
    if (body && body.ok === false && body.error === 'rate_limited') throw new TransientDeliveryError('Slack: rate_limited', r.status, body.error);
    throw new PermanentDeliveryError(`Slack did not confirm the message: ${text.slice(0, 200) || '(empty body)'}`, r.status, body?.error);
  },
};
