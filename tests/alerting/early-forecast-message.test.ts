// A forecast the pipeline flags as early (src/pipeline/forecast-bounds.ts: the post is minutes old
// or seen in fewer than three snapshots) reaches every channel as "too early to forecast" with the
// reposts so far and the post's age, Chinese then English like the labels, and no forecast number;
// the risk line does not repeat the early reason; the webhook's contract alert stays exactly §3
// while its notification carries the early mark and the line. Per vendor, the rendered text.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { config, freshDb, insertAlert, testEnv, FAST_DELIVERY } from './helpers.js';
import { startVendors, type Vendors } from './vendor-receivers.js';
import { startSmtp, type LocalSmtp } from './smtp.js';
import { emptyAlertingConfig } from '../../src/config/alerting-config.js';
import { buildAlertNotification } from '../../src/alerting/notification-builder.js';
import { createNotifier } from '../../src/alerting/notifier.js';
import { forecastText, renderHtml, renderText, type Notification } from '../../src/alerting/message.js';
import { wecomMarkdown } from '../../src/alerting/channels/wecom.js';
import { dingtalkMarkdown } from '../../src/alerting/channels/dingtalk.js';
import { feishuCard } from '../../src/alerting/channels/feishu.js';
import { slackPayload } from '../../src/alerting/channels/slack.js';
import { telegramHtml } from '../../src/alerting/channels/telegram.js';
import { ntfyRequest } from '../../src/alerting/channels/ntfy.js';
import { barkPayload } from '../../src/alerting/channels/bark.js';
import { gotifyPayload } from '../../src/alerting/channels/gotify.js';
import { webhookChannel } from '../../src/alerting/channels/webhook.js';
import type { ChannelContext } from '../../src/alerting/channels/channel.js';
import { ageText, earlyForecastText } from '../../src/i18n/forecast-text.js';
import type { AlertRecord } from '../../src/core/alert.js';

const EARLY_LINE = '预测 Forecast：尚早，暂不预测（发布 2 分钟，已转发 4,100） / too early to forecast (post 2 min old, 4,100 reposts so far)';
const RISK_LINE = '风险 Risk 72：转发 +120k/小时；严重性：住院（安全/健康）；负面占 90%（共 10 条）';
const EARLY_REASON = 'too early to forecast: 4.1k reposts in 2 min';
const FORECAST = { reposts: 9000, low: 4100, high: 12_300, early: { reposts: 4100, minutes: 2 } };

function alertRecord(a: Partial<AlertRecord> = {}): AlertRecord & { id: number } {
  return {
    id: 1, at: '2026-08-22T05:40:00.000Z', topic: 'yunque', incident: 'inc-9', level: 'P2', state: 'firing', risk: 72, title: '云雀乳业 酸奶 住院',
    reasons: ['reposts +120k/h', EARLY_REASON, 'severity: 住院 (safety/health)', 'negative 90% of 10 posts'],
    posts: ['weibo:9'], forecast: FORECAST, sources: ['weibo'], kind: 'incident', ...a,
  };
}

function early(a: Partial<AlertRecord> = {}): Notification {
  const db = freshDb();
  db.prepare("INSERT INTO topics (id, name, query) VALUES ('yunque', '云雀乳业', '云雀乳业')").run();
  db.prepare(`INSERT INTO posts (source, ext_id, kind, url, title, text, author_name, first_seen_at, last_seen_at, reposts)
    VALUES ('weibo', '9', 'post', 'https://m.weibo.cn/status/9', NULL, '喝了两盒全家上吐下泻', '小林', '2026-08-22T05:38:00Z', '2026-08-22T05:40:00Z', 4100)`).run();
  return buildAlertNotification({ db, config: emptyAlertingConfig(), env: testEnv({ FLAREWATCH_PUBLIC_URL: 'https://fw.example.com/' }), secret: 'k', wallNow: new Date('2026-08-22T05:40:00Z') },
    'alert', 'pr-desk', [alertRecord(a)]);
}

/** No forecast number leaks: not the central value, not the band's top, not the "24h" form. */
function noNumber(text: string, name: string): void {
  expect(text, name).not.toMatch(/9,000|12,300|9\.0k|12\.3k|24h 转发/);
  expect(text, name).not.toContain('刚刚发布'); // the early reason is not repeated in the risk line
}

describe('an early forecast in every channel', () => {
  it('the wording: Chinese and English, the post\'s age in minutes, hours or days', () => {
    expect(earlyForecastText({ reposts: 4100, minutes: 2 }, 'zh-CN')).toBe('尚早，暂不预测（发布 2 分钟，已转发 4,100）');
    expect(earlyForecastText({ reposts: 4100, minutes: 2 }, 'en')).toBe('too early to forecast (post 2 min old, 4,100 reposts so far)');
    expect([0, 89, 90, 125, 600, 2879, 2880, 10_000].map((m) => ageText(m, 'en'))).toEqual(['1 min', '89 min', '1.5 h', '2.1 h', '10 h', '48 h', '2 d', '7 d']);
    expect(ageText(150, 'zh-CN')).toBe('2.5 小时');
    expect(forecastText({ reposts: 2300, low: 1600, high: 3300 })).toBe('24h 转发 2,300 (1,600–3,300)'); // not early: the number as before
    expect(forecastText(FORECAST)).toBe(EARLY_LINE.slice('预测 Forecast：'.length));
    // a malformed mark from an old queued row falls back to the number rather than printing NaN
    expect(forecastText({ reposts: 2300, low: 1600, high: 3300, early: { reposts: Number.NaN, minutes: 2 } })).toBe('24h 转发 2,300 (1,600–3,300)');
  });

  it('WeCom and DingTalk markdown', () => {
    const n = early();
    const wecom = wecomMarkdown(n).split('\n');
    expect(wecom.slice(2, 5)).toEqual([RISK_LINE.replace('72', '**72**'), EARLY_LINE, '来源 Sources：微博 · 1 帖 posts · 主题 Topic 云雀乳业 (yunque)']);
    noNumber(wecom.join('\n'), 'wecom');
    const ding = dingtalkMarkdown(n).split('\n\n');
    expect(ding[3]).toBe(EARLY_LINE);
    noNumber(ding.join('\n'), 'dingtalk');
  });

  it('Feishu card and Slack blocks', () => {
    const n = early();
    const card = feishuCard(n) as { elements: { tag: string; text?: { content: string } }[] };
    expect(card.elements[1].text!.content).toBe([RISK_LINE, EARLY_LINE, '来源 Sources：微博 · 1 帖 posts · 主题 Topic 云雀乳业 (yunque)'].join('\n'));
    noNumber(JSON.stringify(card), 'feishu');
    const slack = slackPayload(n) as { attachments: { blocks: { text: { text: string } }[] }[] };
    expect(slack.attachments[0].blocks[1].text.text.split('\n')[1]).toBe(EARLY_LINE);
    noNumber(JSON.stringify(slack), 'slack');
  });

  it('Telegram HTML, ntfy, Bark and Gotify bodies', () => {
    const n = early();
    const tg = telegramHtml(n).split('\n');
    expect(tg).toContain('<b>预测 Forecast</b>：尚早，暂不预测（发布 2 分钟，已转发 4,100） / too early to forecast (post 2 min old, 4,100 reposts so far)');
    noNumber(tg.join('\n'), 'telegram');
    const bodies = {
      ntfy: ntfyRequest(n, { url: 'https://ntfy.example/t' }).body,
      bark: String(barkPayload(n, { device_key: 'd' }).body),
      gotify: String(gotifyPayload(n).message),
    };
    for (const [name, body] of Object.entries(bodies)) {
      const lines = body.split('\n');
      expect(lines.slice(2, 4), name).toEqual([RISK_LINE, EARLY_LINE]);
      noNumber(body, name);
    }
  });

  it('email: text part and HTML', () => {
    const n = early();
    const text = renderText(n).split('\n');
    expect(text.slice(4, 7)).toEqual([RISK_LINE, EARLY_LINE, '来源 Sources：微博 · 1 帖 posts · 主题 Topic 云雀乳业 (yunque)']);
    noNumber(text.join('\n'), 'email text');
    const html = renderHtml(n);
    expect(html).toContain('<p style="margin:4px 0"><b>预测 Forecast</b>：尚早，暂不预测（发布 2 分钟，已转发 4,100） / too early to forecast (post 2 min old, 4,100 reposts so far)</p>');
    noNumber(html, 'email html');
  });

  it('webhook: the contract alert exactly (no early mark), the notification with the mark and the line', async () => {
    const n = early();
    let body: any = null;
    const fetchFake = (async (_url: string, init: { body: string }) => { body = JSON.parse(init.body); return new Response('ok', { status: 200 }); }) as unknown as typeof fetch;
    const ctx: ChannelContext = { fetch: fetchFake, env: testEnv(), now: new Date('2026-08-22T05:40:00Z'), timeoutMs: 1000, deliveryKey: 'd1' };
    await webhookChannel.send({ url: 'https://hooks.example/x' }, n, ctx);
    expect(Object.keys(body.alert)).toEqual(['at', 'topic', 'incident', 'level', 'state', 'risk', 'title', 'reasons', 'posts', 'forecast', 'categories', 'sources', 'id']);
    expect(body.alert.forecast).toEqual({ reposts: 9000, low: 4100, high: 12_300 });
    expect(body.alert.reasons).toContain(EARLY_REASON); // the contract's reasons as the risk model wrote them
    expect(body.notification.forecast).toEqual(FORECAST);
    expect(body.notification.forecastText).toBe(EARLY_LINE.slice('预测 Forecast：'.length));
  });

  it('an alert stored with an early forecast reaches all six channels through the outbox saying so', async () => {
    let v: Vendors | null = null;
    let smtp: LocalSmtp | null = null;
    try {
      v = await startVendors({ dingSecret: 'ding-secret', feishuSecret: 'feishu-secret', hookSecret: 'hook-secret' });
      smtp = await startSmtp();
      const db = freshDb();
      const yaml = `receivers:
  - name: pr-desk
    email: {to: [pr@example.com]}
    wecom: {webhook: "${v.wecom.url}/cgi-bin/webhook/send?key=K"}
    dingtalk: {webhook: "${v.dingtalk.url}/robot/send?access_token=T", secret: "ding-secret"}
    feishu: {webhook: "${v.feishu.url}/open-apis/bot/v2/hook/H", secret: "feishu-secret"}
    slack: {webhook: "${v.slack.url}/services/X"}
    webhook: {url: "${v.webhook.url}/hook", secret: "hook-secret"}
route: {receiver: pr-desk, group_wait: 0s}
${FAST_DELIVERY}`;
      const notifier = createNotifier(db, config(yaml), { env: testEnv({ SMTP_URL: smtp.url }), secret: 'k' });
      const { id: _id, ...rec } = alertRecord();
      notifier.onAlert(insertAlert(db, rec), new Date());
      expect(await notifier.drain(20_000)).toEqual({ sent: 6, failed: 0, pending: 0 });
      const said = {
        wecom: v.wecom.requests[0].json.markdown.content as string,
        dingtalk: v.dingtalk.requests[0].json.markdown.text as string,
        feishu: JSON.stringify(v.feishu.requests[0].json.card),
        slack: JSON.stringify(v.slack.requests[0].json),
        webhook: v.webhook.requests[0].json.notification.forecastText as string,
        email: smtp.mails[0].raw,
      };
      for (const [name, text] of Object.entries(said)) {
        if (name === 'email') continue; // quoted-printable or base64: checked decoded below
        expect(text, name).toContain('尚早，暂不预测（发布 2 分钟，已转发 4,100） / too early to forecast (post 2 min old, 4,100 reposts so far)');
        noNumber(text, name);
      }
      expect(v.webhook.requests[0].json.alert.forecast).toEqual({ reposts: 9000, low: 4100, high: 12_300 });
      expect(decodeMail(said.email)).toContain(EARLY_LINE);
    } finally {
      await v?.close();
      await smtp?.close();
    }
  }, 30_000);
});

/** The mail's text part, decoded (nodemailer picks quoted-printable or base64 per part). */
function decodeMail(raw: string): string {
  const parts = raw.split(/\r?\n--/);
  const out: string[] = [];
  for (const p of parts) {
    const [head, ...rest] = p.split(/\r?\n\r?\n/);
    const body = rest.join('\n\n');
    if (/content-transfer-encoding: base64/i.test(head)) out.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    else if (/content-transfer-encoding: quoted-printable/i.test(head)) {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      out.push(Buffer.from(bytes, 'latin1').toString('utf8'));
    } else out.push(body);
  }
  return out.join('\n');
}
