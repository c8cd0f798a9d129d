// Telegram, ntfy, Bark and Gotify against local stand-ins on 127.0.0.1: the exact request each
// sends (method, path, query, headers, body), hostile crawled text kept inert, the answers that
// count as delivered, and how every failure is classified (401/400/403 permanent, 429 and 5xx
// transient, a 200 without the vendor's confirmation a failure). Then all four through
// rules/alerting.yaml, the outbox and the delivery log: secrets from ${ENV}, a send recorded
// only after a confirmed success, config mistakes named by file and line.
import { describe, it, expect, afterEach } from 'vitest';
import { config, freshDb, insertAlert, startReceiver, testEnv, FAST_DELIVERY, type Receiver, type Recorded } from './helpers.js';
import { emptyAlertingConfig, parseAlertingConfig } from '../../src/config/alerting-config.js';
import { buildAlertNotification } from '../../src/alerting/notification-builder.js';
import { createNotifier } from '../../src/alerting/notifier.js';
import { messageParts, factText, postByline, headline, LABEL, type Notification } from '../../src/alerting/message.js';
import { telegramChannel, telegramHtml, TELEGRAM_TEXT_MAX_BYTES } from '../../src/alerting/channels/telegram.js';
import { ntfyChannel, rfc2047 } from '../../src/alerting/channels/ntfy.js';
import { barkChannel, barkPayload, BARK_BODY_MAX_BYTES } from '../../src/alerting/channels/bark.js';
import { gotifyChannel } from '../../src/alerting/channels/gotify.js';
import { CHANNELS } from '../../src/alerting/channels/registry.js';
import type { ChannelContext, ChannelDefinition } from '../../src/alerting/channels/channel.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../../src/alerting/errors.js';
import { escapeHtml } from '../../src/alerting/text-safety.js';
import { ConfigError } from '../../src/core/errors.js';
import type { AlertRecord } from '../../src/core/alert.js';

const TOKEN = '123456789:AAE-test_token';
const TITLE = '云雀乳业 酸奶 <i>致</i> 住院 & 召回?';
const POST = '喝了两盒全家上吐下泻 <b>快转</b> & "求助" <a href="javascript:alert(1)">点</a> @all';
const INC = 'https://fw.example.com/#/incident/inc-2';

/** A P1 incident as the builder makes it: hostile title, post and author, a signed ack link. */
function notification(a: Partial<AlertRecord> = {}): Notification {
  const db = freshDb();
  db.prepare("INSERT INTO topics (id, name, query) VALUES ('yunque', '云雀乳业', '云雀乳业')").run();
  db.prepare(`INSERT INTO posts (source, ext_id, kind, url, title, text, author_name, first_seen_at, last_seen_at, reposts)
    VALUES ('weibo', '9', 'post', 'https://m.weibo.cn/status/9', NULL, ?, '小林<script>', '2026-08-22T05:00:00Z', '2026-08-22T05:30:00Z', 8800)`).run(POST);
  const alert: AlertRecord & { id: number } = {
    id: 1, at: '2026-08-22T05:40:00.000Z', topic: 'yunque', incident: 'inc-2', level: 'P1', state: 'firing', risk: 87, title: TITLE,
    reasons: ['reposts +8.8k/h', 'severity: 住院 (safety/health)', 'forecast 2.3k (1.6k–3.3k) in 24 h', '1 source (weibo)'],
    posts: ['weibo:9'], forecast: { reposts: 2300, low: 1600, high: 3300 }, sources: ['weibo'], kind: 'incident', ...a,
  };
  return buildAlertNotification({ db, config: emptyAlertingConfig(), env: testEnv({ FLAREWATCH_PUBLIC_URL: 'https://fw.example.com/' }), secret: 'k', wallNow: new Date('2026-08-22T05:40:00Z') },
    'alert', 'pr-desk', [alert]);
}

const ctx = (): ChannelContext => ({ fetch, env: testEnv(), now: new Date(), timeoutMs: 1000, deliveryKey: 'd1' });
let rx: Receiver | null = null;
afterEach(async () => { await rx?.close(); rx = null; });

async function outcome(p: Promise<unknown>): Promise<string> {
  try { await p; return 'ok'; } catch (e) { return e instanceof TransientDeliveryError ? 'transient' : e instanceof PermanentDeliveryError ? 'permanent' : `other:${(e as Error).message}`; }
}

/** The one request the stand-in received. */
function only(r: Receiver): Recorded {
  expect(r.requests).toHaveLength(1);
  return r.requests[0];
}

/** Telegram's HTML mode: only <b>, <i>, <blockquote>, <a href="http(s)…">, balanced; & only in entities. */
function checkTelegramHtml(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)([^>]*)>/g)) {
    const [, close, tag, attrs] = m;
    expect(['b', 'i', 'blockquote', 'a']).toContain(tag);
    if (close) { expect(stack.pop()).toBe(tag); continue; }
    if (tag === 'a') expect(attrs).toMatch(/^ href="https?:\/\/[^"<>]*"$/);
    else expect(attrs).toBe('');
    stack.push(tag);
  }
  expect(stack).toEqual([]);
  expect(html.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!(lt|gt|amp|quot|#\d+);)/);
}

function decode2047(v: string): string {
  return v.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=\s*/g, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8')).trim();
}

describe('telegram', () => {
  const cfg = (url: string) => ({ bot_token: TOKEN, chat_id: -1001234567890, api_url: url });

  it('POST /bot<token>/sendMessage, JSON with parse_mode HTML; crawled text escaped, our markup only', async () => {
    rx = await startReceiver(() => ({ body: { ok: true, result: { message_id: 42, chat: { id: -1001234567890 } } } }));
    const n = notification();
    const receipt = await telegramChannel.send(cfg(rx.url), n, ctx());
    expect(receipt).toEqual({ statusCode: 200, detail: 'message_id 42' });
    const req = only(rx);
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/bot${TOKEN}/sendMessage`);
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(req.json).sort()).toEqual(['chat_id', 'link_preview_options', 'parse_mode', 'text']);
    expect(req.json).toMatchObject({ chat_id: -1001234567890, parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    const m = messageParts(n);
    const e = escapeHtml;
    expect(req.json.text).toBe([
      `<b>【P1 危机】</b>${e(TITLE)}`,
      `<blockquote>“${e(m.post!.text)}”\n${e(postByline(m.post!))} <a href="https://m.weibo.cn/status/9">${LABEL.original}</a></blockquote>`,
      ...m.facts.map((f) => `<b>${e(f.label)}${f.strong ? ` ${e(f.strong)}` : ''}</b>：${e(f.value)}`),
      `<a href="${n.ackUrl}">${LABEL.ack}</a> · <a href="${INC}">${LABEL.incident}</a>`,
      `<i>${e(m.ack!.validUntil!)}</i>`,
    ].join('\n'));
    checkTelegramHtml(req.json.text);
    expect(req.json.text).toContain('云雀乳业 酸奶 &lt;i&gt;致&lt;/i&gt; 住院 &amp; 召回?');
    expect(req.json.text).toContain('小林&lt;script&gt;');
    expect(req.json.text).not.toContain('javascript:alert(1)">'); // the crawled link is text, never a link
  });

  it('a forum topic goes in message_thread_id; a chat given as @username is sent as is', async () => {
    rx = await startReceiver(() => ({ body: { ok: true, result: { message_id: 1 } } }));
    await telegramChannel.send({ bot_token: TOKEN, chat_id: '@acme_pr', message_thread_id: 7, api_url: `${rx.url}/` }, notification(), ctx());
    expect(only(rx)).toMatchObject({ url: `/bot${TOKEN}/sendMessage`, json: { chat_id: '@acme_pr', message_thread_id: 7 } });
  });

  it('an oversized message is cut by whole blocks within 4096 and stays valid HTML', () => {
    const n = notification({ reasons: Array.from({ length: 50 }, (_, i) => `理由 <${i}> & ` + '很长'.repeat(200)) });
    n.lines = Array.from({ length: 40 }, (_, i) => `第 ${i} 行 <tag> & ` + '内容'.repeat(60));
    const html = telegramHtml(n);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX_BYTES);
    checkTelegramHtml(html);
    expect(html).toContain(n.ackUrl!);
    expect(html.startsWith('<b>【P1 危机】</b>')).toBe(true);
  });

  it.each([
    [200, { ok: true, result: { message_id: 5 } }, 'ok'],
    [401, { ok: false, error_code: 401, description: 'Unauthorized' }, 'permanent'],
    [400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }, 'permanent'],
    [403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }, 'permanent'],
    [404, { ok: false, error_code: 404, description: 'Not Found' }, 'permanent'],
    [429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }, 'transient'],
    [500, { ok: false, error_code: 500, description: 'Internal Server Error' }, 'transient'],
    [502, '<html>Bad Gateway</html>', 'transient'],
    [200, { ok: false, error_code: 400, description: "Bad Request: can't parse entities" }, 'permanent'],
    [200, 'not json', 'permanent'],
    [200, { result: {} }, 'permanent'],
  ] as const)('HTTP %i %j → %s', async (status, body, want) => {
    rx = await startReceiver(() => ({ status, body }));
    expect(await outcome(telegramChannel.send(cfg(rx.url), notification(), ctx()))).toBe(want);
  });

  it('429 honours retry_after; no error message carries the bot token; a migrated group says where to', async () => {
    rx = await startReceiver((_r, i) => (i === 1
      ? { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } } }
      : { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1009876543210 } } }));
    const a = await telegramChannel.send(cfg(rx.url), notification(), ctx()).catch((x) => x);
    expect(a).toBeInstanceOf(TransientDeliveryError);
    expect((a as TransientDeliveryError).retryAfterMs).toBe(7000);
    const b = await telegramChannel.send(cfg(rx.url), notification(), ctx()).catch((x) => x);
    expect(b).toBeInstanceOf(PermanentDeliveryError);
    expect((b as Error).message).toMatch(/-1009876543210/);
    const url = rx.url;
    await rx.close(); rx = null;
    const c = await telegramChannel.send(cfg(url), notification(), ctx()).catch((x) => x);
    expect(c).toBeInstanceOf(TransientDeliveryError); // refused connection
    for (const err of [a, b, c]) expect((err as Error).message).not.toContain('AAE-test_token');
  });
});

describe('ntfy', () => {
  it('POST to the topic: Title (RFC 2047), Priority, Tags, Click, an Actions button, Bearer token; plain-text body', async () => {
    rx = await startReceiver(() => ({ body: { id: 'hwQ2YpKdmg', time: 1787982000, event: 'message', topic: 'acme-pr-desk' } }));
    const n = notification();
    const receipt = await ntfyChannel.send({ url: `${rx.url}/acme-pr-desk`, token: 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2', tags: ['flarewatch'] }, n, ctx());
    expect(receipt).toEqual({ statusCode: 200, detail: 'ntfy message hwQ2YpKdmg' });
    const req = only(rx);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/acme-pr-desk');
    expect(req.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(req.headers.title).toMatch(/^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= ?)+$/);
    expect(decode2047(String(req.headers.title))).toBe(`【P1 危机】${TITLE}`);
    expect(req.headers.priority).toBe('5');
    expect(req.headers.tags).toBe('rotating_light,P1,flarewatch');
    expect(req.headers.click).toBe(INC);
    expect(req.headers.actions).toBe(`view, Acknowledge, ${n.ackUrl}, clear=true`);
    expect(req.headers.authorization).toBe('Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2');
    const m = messageParts(n);
    expect(req.body).toBe([`“${m.post!.text}”`, postByline(m.post!), ...m.facts.map((f) => factText(f))].join('\n'));
    expect(req.body).toContain('<b>快转</b>'); // plain text: shown as typed, nothing to interpret
  });

  it('ASCII titles go as they are; P2 is high priority; a resolved notice is low with a check mark; no token, no Authorization', async () => {
    rx = await startReceiver(() => ({ body: { id: 'x1', event: 'message' } }));
    await ntfyChannel.send({ url: `${rx.url}/t` }, notification({ level: 'P2', title: 'Acme outage' }), ctx());
    await ntfyChannel.send({ url: `${rx.url}/t` }, notification({ state: 'resolved' }), ctx());
    const [a, b] = rx.requests;
    expect(a.headers).toMatchObject({ priority: '4', tags: 'warning,P2' });
    expect(decode2047(String(a.headers.title))).toBe(headline(notification({ level: 'P2', title: 'Acme outage' })));
    expect(a.headers.authorization).toBeUndefined();
    expect(b.headers).toMatchObject({ priority: '2', tags: 'white_check_mark,P1' });
    expect(rfc2047('Acme outage')).toBe('Acme outage');
    expect(decode2047(rfc2047('很长的标题'.repeat(20)))).toBe('很长的标题'.repeat(20));
  });

  it.each([
    [200, { id: 'ok1', event: 'message' }, 'ok'],
    [401, { code: 40101, http: 401, error: 'unauthorized', link: 'https://ntfy.sh/docs/publish/#authentication' }, 'permanent'],
    [403, { code: 40301, http: 403, error: 'forbidden' }, 'permanent'],
    [413, { code: 41301, http: 413, error: 'request entity too large' }, 'permanent'],
    [429, { code: 42901, http: 429, error: 'limit reached: too many requests' }, 'transient'],
    [500, { code: 50001, http: 500, error: 'internal server error' }, 'transient'],
    [200, '<html>captive portal</html>', 'permanent'],
    [200, { event: 'message' }, 'permanent'],
  ] as const)('HTTP %i %j → %s', async (status, body, want) => {
    rx = await startReceiver(() => ({ status, body }));
    expect(await outcome(ntfyChannel.send({ url: `${rx.url}/t`, token: 'tk_x' }, notification(), ctx()))).toBe(want);
  });
});

describe('bark', () => {
  it('POST /push with JSON {device_key, title, body, url, group, level}: timeSensitive for P1', async () => {
    rx = await startReceiver(() => ({ body: { code: 200, message: 'success', timestamp: 1787982000 } }));
    const n = notification();
    const receipt = await barkChannel.send({ device_key: 'NxTzTi3fDN6yZEwq', server: rx.url, group: 'PR 舆情', sound: 'alarm' }, n, ctx());
    expect(receipt).toEqual({ statusCode: 200, detail: 'Bark success' });
    const req = only(rx);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/push');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    const m = messageParts(n);
    expect(req.json).toEqual({
      device_key: 'NxTzTi3fDN6yZEwq', title: `【P1 危机】${TITLE}`,
      body: [`“${m.post!.text}”`, postByline(m.post!), ...m.facts.map((f) => factText(f)), `${LABEL.ack}: ${n.ackUrl}`, `（${m.ack!.validUntil}）`].join('\n'),
      url: INC, group: 'PR 舆情', level: 'timeSensitive', sound: 'alarm',
    });
  });

  it('P2 and P3 are active, P4 and resolved passive; default server api.day.app path /push; group Flarewatch', async () => {
    rx = await startReceiver(() => ({ body: { code: 200, message: 'success' } }));
    for (const a of [{ level: 'P2' }, { level: 'P3' }, { level: 'P4' }, { state: 'resolved' }] as Partial<AlertRecord>[]) {
      await barkChannel.send({ device_key: 'k1', server: `${rx.url}/` }, notification(a), ctx());
    }
    expect(rx.requests.map((r) => [r.url, r.json.level, r.json.group])).toEqual([['/push', 'active', 'Flarewatch'], ['/push', 'active', 'Flarewatch'], ['/push', 'passive', 'Flarewatch'], ['/push', 'passive', 'Flarewatch']]);
  });

  it('the body fits an APNs payload however long the crawled text', () => {
    const n = notification({ reasons: Array.from({ length: 30 }, () => '很长的理由'.repeat(100)) });
    n.lines = Array.from({ length: 30 }, () => '很长的一行'.repeat(100));
    const body = barkPayload(n, { device_key: 'k1' }).body as string;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(BARK_BODY_MAX_BYTES);
    expect(body).toContain(n.ackUrl!);
  });

  it.each([
    [200, { code: 200, message: 'success' }, 'ok'],
    [400, { code: 400, message: 'failed to get device token: failed to get [k1] device token from database', timestamp: 1 }, 'permanent'],
    [401, 'unauthorized', 'permanent'],
    [429, { code: 429, message: 'too many requests' }, 'transient'],
    [500, { code: 500, message: 'push failed: Post "https://api.push.apple.com/…": timeout' }, 'transient'],
    [200, { code: 400, message: 'device key is empty' }, 'permanent'],
    [200, { code: 500, message: 'push failed' }, 'transient'],
    [200, 'not json', 'permanent'],
  ] as const)('HTTP %i %j → %s', async (status, body, want) => {
    rx = await startReceiver(() => ({ status, body }));
    expect(await outcome(barkChannel.send({ device_key: 'k1', server: rx.url }, notification(), ctx()))).toBe(want);
  });
});

describe('gotify', () => {
  it('POST /message?token=… with JSON {title, message, priority, extras: plain text, click opens the incident}', async () => {
    rx = await startReceiver(() => ({ body: { id: 25, appid: 1, message: '…', title: '…', priority: 10, date: '2026-08-22T05:40:01Z' } }));
    const n = notification();
    const receipt = await gotifyChannel.send({ url: `${rx.url}/gotify/`, token: 'AbCdEf.12345' }, n, ctx());
    expect(receipt).toEqual({ statusCode: 200, detail: 'Gotify message 25' });
    const req = only(rx);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/gotify/message?token=AbCdEf.12345');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    const m = messageParts(n);
    expect(req.json).toEqual({
      title: `【P1 危机】${TITLE}`,
      message: [`“${m.post!.text}”`, postByline(m.post!), ...m.facts.map((f) => factText(f)), `${LABEL.ack}: ${n.ackUrl}`, `（${m.ack!.validUntil}）`].join('\n'),
      priority: 10,
      extras: { 'client::display': { contentType: 'text/plain' }, 'client::notification': { click: { url: INC } } },
    });
  });

  it('priority by level: P2 8, P3 5, P4 2, resolved 2', async () => {
    rx = await startReceiver(() => ({ body: { id: 1 } }));
    for (const a of [{ level: 'P2' }, { level: 'P3' }, { level: 'P4' }, { state: 'resolved' }] as Partial<AlertRecord>[]) {
      await gotifyChannel.send({ url: rx.url, token: 't' }, notification(a), ctx());
    }
    expect(rx.requests.map((r) => r.json.priority)).toEqual([8, 5, 2, 2]);
  });

  it.each([
    [200, { id: 3, appid: 1 }, 'ok'],
    [401, { error: 'Unauthorized', errorCode: 401, errorDescription: 'you need to provide a valid access token or user credentials to access this api' }, 'permanent'],
    [400, { error: 'Bad Request', errorCode: 400, errorDescription: "Field 'message' is required" }, 'permanent'],
    [403, { error: 'Forbidden', errorCode: 403, errorDescription: 'you are not allowed to access this api' }, 'permanent'],
    [429, 'slow down', 'transient'],
    [503, '<html>Service Unavailable</html>', 'transient'],
    [200, { appid: 1 }, 'permanent'],
  ] as const)('HTTP %i %j → %s', async (status, body, want) => {
    rx = await startReceiver(() => ({ status, body }));
    expect(await outcome(gotifyChannel.send({ url: rx.url, token: 'secret-app-token' }, notification(), ctx()))).toBe(want);
  });

  it('the application token never appears in an error', async () => {
    rx = await startReceiver(() => ({ status: 500, body: 'boom' }));
    const e = await gotifyChannel.send({ url: rx.url, token: 'secret-app-token' }, notification(), ctx()).catch((x) => x);
    expect((e as Error).message).not.toContain('secret-app-token');
  });
});

describe('the four channels through rules/alerting.yaml and the outbox', () => {
  it('are registered once each beside the six', () => {
    const types = CHANNELS.map((c: ChannelDefinition<unknown>) => c.type);
    expect(types).toEqual(['email', 'wecom', 'dingtalk', 'feishu', 'slack', 'webhook', 'telegram', 'ntfy', 'bark', 'gotify']);
  });

  it('deliver a P1 on each, secrets from ${ENV}; a send is logged only after the vendor confirmed it', async () => {
    const seen: Record<string, Recorded[]> = { tg: [], ntfy: [], bark: [], gotify: [] };
    rx = await startReceiver((r) => {
      if (r.url.startsWith('/bot')) { seen.tg.push(r); return { body: { ok: true, result: { message_id: 9 } } }; }
      if (r.url.startsWith('/desk-topic')) { seen.ntfy.push(r); return { body: { id: 'n1', event: 'message' } }; }
      if (r.url === '/push') { seen.bark.push(r); return { body: { code: 200, message: 'success' } }; }
      if (r.url.startsWith('/message')) { seen.gotify.push(r); return r.url.includes('token=good') ? { body: { id: 5 } } : { status: 401, body: { error: 'Unauthorized', errorCode: 401 } }; }
      return { status: 404, body: 'no' };
    });
    const yaml = (gotifyToken: string) => `receivers:
  - name: phones
    telegram: {bot_token: "\${TG_TOKEN}", chat_id: -1001234567890, api_url: "${rx!.url}"}
    ntfy: {url: "${rx!.url}/desk-topic", token: "\${NTFY_TOKEN}"}
    bark: {device_key: "\${BARK_KEY}", server: "${rx!.url}"}
    gotify: {url: "${rx!.url}", token: "${gotifyToken}"}
route: {receiver: phones, group_wait: 0s}
${FAST_DELIVERY}`;
    const vars = { TG_TOKEN: TOKEN, NTFY_TOKEN: 'tk_desk', BARK_KEY: 'NxTzTi3fDN6yZEwq' };

    const db = freshDb();
    const notifier = createNotifier(db, config(yaml('good'), vars), { env: testEnv(), secret: 'k' });
    notifier.onAlert(insertAlert(db, { level: 'P1', title: '星河乳业 质量危机' }), new Date());
    expect(await notifier.drain(10_000)).toEqual({ sent: 4, failed: 0, pending: 0 });
    expect(seen.tg[0].url).toBe(`/bot${TOKEN}/sendMessage`);
    expect(seen.ntfy[0].headers.authorization).toBe('Bearer tk_desk');
    expect(seen.bark[0].json.device_key).toBe('NxTzTi3fDN6yZEwq');
    expect(seen.gotify[0].url).toBe('/message?token=good');
    const ok = db.prepare("SELECT d.channel, COUNT(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE a.ok = 1 GROUP BY d.channel ORDER BY d.channel").all();
    expect(ok).toEqual([{ channel: 'bark', n: 1 }, { channel: 'gotify', n: 1 }, { channel: 'ntfy', n: 1 }, { channel: 'telegram', n: 1 }]);

    // a revoked Gotify token: permanent, not retried, never logged as sent
    const db2 = freshDb();
    const n2 = createNotifier(db2, config(yaml('revoked'), vars), { env: testEnv(), secret: 'k' });
    n2.onAlert(insertAlert(db2, { level: 'P1' }), new Date());
    const r2 = await n2.drain(10_000);
    expect(r2.pending).toBe(0);
    const g = db2.prepare("SELECT status, attempts, sent_at FROM deliveries WHERE channel = 'gotify' AND fallback_of IS NULL").get() as { status: string; attempts: number; sent_at: string | null };
    expect(g).toEqual({ status: 'failed', attempts: 1, sent_at: null });
    expect(db2.prepare("SELECT COUNT(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.channel = 'gotify' AND a.ok = 1").get()).toEqual({ n: 0 });
  });

  it('a mistake names the file, the line and the fix', () => {
    const bad = (yaml: string, vars: Record<string, string> = {}) => {
      try { parseAlertingConfig('rules/alerting.yaml', yaml, vars, 'Asia/Shanghai'); } catch (e) { return e as ConfigError; }
      throw new Error('no error');
    };
    const typo = bad('receivers:\n  - name: phones\n    telegram:\n      bot_token: "1:AA"\n      chat_idd: 5\nroute: {receiver: phones}\n');
    expect(typo).toBeInstanceOf(ConfigError);
    expect(typo.message).toMatch(/rules\/alerting\.yaml line 5: unknown field 'chat_idd' \(did you mean 'chat_id'\?\)/);
    expect(typo.message + ((typo as ConfigError & { hint?: string }).hint ?? '')).toMatch(/chat_id/);
    const token = bad('receivers:\n  - name: phones\n    telegram: {bot_token: "not a token", chat_id: 5}\nroute: {receiver: phones}\n');
    expect(token.message).toMatch(/line 3/);
    expect(token.message).toMatch(/BotFather/);
    const topic = bad('receivers:\n  - name: phones\n    ntfy: {url: "https://ntfy.sh/"}\nroute: {receiver: phones}\n');
    expect(topic.message).toMatch(/line 3.*topic|topic.*line 3/s);
    // an unset secret disables that channel with a warning, as for the six others
    const cfg = parseAlertingConfig('rules/alerting.yaml', 'receivers:\n  - name: phones\n    bark: {device_key: "${BARK_KEY}"}\n    gotify: {url: "https://g.example.com", token: "t"}\nroute: {receiver: phones}\n', {}, 'Asia/Shanghai');
    expect(cfg.receivers.get('phones')!.channels.map((c) => c.type)).toEqual(['gotify']);
    expect(cfg.warnings.join('\n')).toMatch(/line 3.*bark channel disabled because environment variable BARK_KEY is not set/);
  });
});
