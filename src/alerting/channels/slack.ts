// Slack incoming webhook: POST {text, attachments: [{color, blocks}]}. Success is HTTP 200 with the
// body `ok` (or JSON {"ok": true} from Slack-compatible endpoints). Errors come as a status and a
// short string: 400 invalid_payload, 403 action_prohibited, 404 no_service / channel_not_found,
// 410 channel_is_archived (permanent), 429 rate_limited (transient, honours Retry-After), 5xx
// rollup_error (transient). Limits: header text 150 chars, section text 3000 chars.
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { fields, headline, levelColor, type Notification } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { escapeSlack, safeUrl, truncateChars } from '../text-safety.js';

const configSchema = z.object({
  webhook: httpUrl,
  channel: z.string().optional(),
  username: z.string().optional(),
}).strict();
export type SlackConfig = z.infer<typeof configSchema>;

function link(url: string | null, text: string): string {
  const u = safeUrl(url);
  return u ? `<${u.replace(/[|>]/g, encodeURIComponent)}|${text.replace(/[|>]/g, ' ')}>` : text;
}

export function slackPayload(n: Notification, config: Partial<SlackConfig> = {}): Record<string, unknown> {
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: truncateChars(text, 3000) } });
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateChars(headline(n), 150), emoji: false } },
    section(fields(n).map(([k, v]) => `*${k}:* ${escapeSlack(v)}`).join('\n')),
  ];
  if (n.reasons.length) blocks.push(section(`*原因 Reasons:*\n${n.reasons.map((r) => `• ${escapeSlack(truncateChars(r, 300))}`).join('\n')}`));
  if (n.posts.length) {
    blocks.push(section(`*热帖 Top posts (${n.postCount}):*\n${n.posts.map((p, i) => {
      const t = escapeSlack(truncateChars(p.text.replace(/\s+/g, ' ').trim() || p.key, 150));
      return `${i + 1}. ${link(p.url, t)}${p.author ? ` — ${escapeSlack(truncateChars(p.author, 40))}` : ''}`;
    }).join('\n')}`));
  }
  if (n.lines.length) blocks.push(section(n.lines.map((l) => `• ${escapeSlack(truncateChars(l, 300))}`).join('\n')));
  if (n.others.length) blocks.push(section(`*同组其他 Also grouped:*\n${n.others.map((o) => `• ${o.level} ${escapeSlack(truncateChars(o.title, 120))}`).join('\n')}`));
  const actions = [safeUrl(n.dashboardUrl) ? link(n.dashboardUrl, '查看看板 Dashboard') : '', safeUrl(n.ackUrl) ? link(n.ackUrl, '一键确认 Acknowledge') : ''].filter(Boolean);
  if (actions.length) blocks.push(section(actions.join('  ·  ')));
  const payload: Record<string, unknown> = {
    text: escapeSlack(truncateChars(`${headline(n)} · ${fields(n).map(([k, v]) => `${k}: ${v}`).join(' · ')}`, 2500)),
    attachments: [{ color: n.state === 'resolved' ? '#2e7d32' : levelColor(n.level), blocks: blocks.slice(0, 50) }],
    unfurl_links: false,
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
