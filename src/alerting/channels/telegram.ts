// Telegram Bot API: POST {api_url}/bot<token>/sendMessage with JSON {chat_id, text, parse_mode:
// "HTML", link_preview_options: {is_disabled: true}}. In HTML mode only <, > and & (and " inside
// an attribute) are special: crawled text is entity-escaped, our own markup is <b>, <i>,
// <blockquote> and <a href> to http(s) links. Text is at most 4096 characters; we cut whole blocks
// (head and links always kept). Answers are {"ok": true, "result": {message_id}} or {"ok": false,
// "error_code", "description", "parameters": {retry_after, migrate_to_chat_id}} with the same HTTP
// status: 429 and 5xx are transient (retry_after honoured), 400 (chat not found, can't parse
// entities), 401 (bad token), 403 (bot blocked or kicked) and 404 are permanent.
import { z } from 'zod';
import { checkHttpStatus, postJson, type ChannelDefinition } from './channel.js';
import { httpUrl } from './webhook.js';
import { fitMessage, messageParts, postByline, LABEL, type MessageLink, type Notification } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';
import { escapeHtml, truncateChars } from '../text-safety.js';

/** 4096 characters; UTF-8 bytes are never fewer than UTF-16 units, so a byte budget is safe. */
export const TELEGRAM_TEXT_MAX_BYTES = 4096;

const configSchema = z.object({
  /** from @BotFather: "123456789:AA…"; keep it in an environment variable (${TELEGRAM_BOT_TOKEN}) */
  bot_token: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, { message: 'a bot token from @BotFather, like 123456789:AAE…' }),
  /** a user, group or channel id (-100…), or @channelusername */
  chat_id: z.union([z.number().int(), z.string().regex(/^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,})$/, { message: 'a numeric chat id (-100… for groups and channels) or @channelusername' })]),
  /** forum topic in a supergroup */
  message_thread_id: z.number().int().positive().optional(),
  /** a self-hosted Bot API server; default https://api.telegram.org */
  api_url: httpUrl.optional(),
}).strict();
export type TelegramConfig = z.infer<typeof configSchema>;

const e = escapeHtml;
const link = (l: MessageLink) => `<a href="${e(l.url)}">${e(l.label)}</a>`;

/** The message in Telegram's HTML: level in bold, title, post quoted, facts, then our links. */
export function telegramHtml(n: Notification): string {
  const m = messageParts(n);
  const blocks: { text: string; keep?: boolean }[] = [{ text: `<b>${e(m.levelTag + m.kindTag)}</b>${e(truncateChars(m.title, 300))}`, keep: true }];
  if (m.post) {
    const by = postByline(m.post);
    blocks.push({ text: `<blockquote>“${e(m.post.text)}”${by ? `\n${e(by)}` : ''}${m.post.url ? ` ${link({ label: LABEL.original, url: m.post.url })}` : ''}</blockquote>` });
  }
  for (const l of m.lines) blocks.push({ text: e(l) });
  for (const f of m.facts) blocks.push({ text: `<b>${e(f.label)}${f.strong ? ` ${e(f.strong)}` : ''}</b>${f.value ? `：${e(truncateChars(f.value, 600))}` : ''}`, keep: f.label === LABEL.risk });
  const links = [m.ack, m.incident].filter((l): l is MessageLink => l !== null);
  if (links.length) blocks.push({ text: links.map(link).join(' · ') + (m.ack?.validUntil ? `\n<i>${e(m.ack.validUntil)}</i>` : ''), keep: true });
  return fitMessage(blocks, TELEGRAM_TEXT_MAX_BYTES, '\n');
}

export function telegramPayload(n: Notification, config: TelegramConfig): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    chat_id: config.chat_id, text: telegramHtml(n), parse_mode: 'HTML', link_preview_options: { is_disabled: true },
  };
  if (config.message_thread_id) payload.message_thread_id = config.message_thread_id;
  return payload;
}

interface TelegramAnswer { ok?: boolean; result?: { message_id?: number }; error_code?: number; description?: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } }

export const telegramChannel: ChannelDefinition<TelegramConfig> = {
  type: 'telegram',
  description: 'Telegram bot (Bot API sendMessage), HTML with crawled text escaped',
  configSchema,
  async send(config, n, ctx) {
    const base = (config.api_url ?? 'https://api.telegram.org').replace(/\/+$/, '');
    // the token is in the path: errors name the host only (postRaw), never the URL
    const r = await postJson(`${base}/bot${config.bot_token}/sendMessage`, telegramPayload(n, config), ctx);
    const body = r.json as TelegramAnswer | null;
    if (body && body.ok === false) {
      const code = typeof body.error_code === 'number' ? body.error_code : r.status;
      const migrate = body.parameters?.migrate_to_chat_id;
      const msg = `Telegram error ${code}: ${body.description ?? '(no description)'}${migrate ? ` (the group is now the supergroup ${migrate}: set chat_id to it)` : ''}`;
      if (code === 429) {
        const after = body.parameters?.retry_after;
        throw new TransientDeliveryError(msg, r.status, code, typeof after === 'number' && after > 0 ? after * 1000 : undefined);
      }
      if (code >= 500 || r.status >= 500) throw new TransientDeliveryError(msg, r.status, code);
      throw new PermanentDeliveryError(msg, r.status, code);
    }
    checkHttpStatus(r, 'Telegram');
    if (!body || body.ok !== true) throw new PermanentDeliveryError(`Telegram did not confirm the message: ${r.text.slice(0, 200) || '(empty body)'}`, r.status);
    return { statusCode: r.status, detail: `message_id ${body.result?.message_id ?? '?'}` };
  },
};
