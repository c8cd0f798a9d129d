import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createNotifier } from '../../src/alerting/notifier.js';
import { config, freshDb, insertAlert, testEnv, FAST_DELIVERY } from './helpers.js';
import { startVendors, type Vendors } from './vendor-receivers.js';
import { startSmtp, type LocalSmtp } from './smtp.js';

let v: Vendors;
let smtp: LocalSmtp;
beforeAll(async () => {
  v = await startVendors({ dingSecret: 'SECding+/=secret', feishuSecret: 'feishu-secret', hookSecret: 'hook-secret', keyword: '舆情' });
  smtp = await startSmtp();
});
afterAll(async () => { await v.close(); await smtp.close(); });

function yaml(): string {
  return `receivers:
  - name: pr-desk
    email: {to: [pr@example.com]}
    wecom: {webhook: "${v.wecom.url}/cgi-bin/webhook/send?key=K"}
    dingtalk: {webhook: "${v.dingtalk.url}/robot/send?access_token=T", secret: "\${DING_SECRET}", keywords: [舆情]}
    feishu: {webhook: "${v.feishu.url}/open-apis/bot/v2/hook/H", secret: "feishu-secret"}
    slack: {webhook: "${v.slack.url}/services/X"}
    webhook: {url: "${v.webhook.url}/hook", secret: "hook-secret"}
route: {receiver: pr-desk, group_wait: 0s}
${FAST_DELIVERY}`;
}

describe('every P1/P2 incident on all six channels, vendor formats and signatures', () => {
  it('delivers each incident once per channel, signatures valid, nothing failed', async () => {
    const db = freshDb();
    const n = createNotifier(db, config(yaml(), { DING_SECRET: 'SECding+/=secret' }), { env: testEnv({ SMTP_URL: smtp.url }), secret: 'k' });
    const long = '长文本'.repeat(3000); // hostile, oversized crawled text
    const alerts = [
      insertAlert(db, { level: 'P1', title: '星河乳业 质量危机', reasons: [long, '<b>x</b> [a](javascript:alert(1))'] }),
      insertAlert(db, { level: 'P2', title: '星河乳业 客服投诉' }),
    ];
    db.prepare(`INSERT INTO posts (source, ext_id, kind, url, text, author_name, first_seen_at, last_seen_at, reposts) VALUES
      ('weibo', '1', 'post', 'javascript:alert(1)', '[点我](javascript:alert(2)) <img src=x onerror=alert(3)> @all', '<b>坏人</b>', '2026-08-22T05:00:00Z', '2026-08-22T05:00:00Z', 900)`).run();
    const t = new Date();
    for (const a of alerts) n.onAlert(a, t);
    const r = await n.drain(20_000);
    expect(r).toEqual({ sent: 12, failed: 0, pending: 0 });
    for (const rx of [v.dingtalk, v.feishu, v.wecom, v.slack, v.webhook]) expect(rx.requests).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
    for (const w of v.wecom.requests) expect(Buffer.byteLength(w.json.markdown.content)).toBeLessThanOrEqual(4096);
    const all = [...v.dingtalk.requests, ...v.feishu.requests, ...v.wecom.requests, ...v.slack.requests, ...v.webhook.requests].map((x) => x.body).join('\n');
    const md = [...v.dingtalk.requests.map((x) => x.json.markdown.text), ...v.wecom.requests.map((x) => x.json.markdown.content)].join('\n');
    expect(md).not.toMatch(/\]\(javascript:/); // no markdown link to javascript: (a zero-width space breaks ](
    expect(md).not.toMatch(/<img|<b>|@all/); // crawled tags and mentions are neutralised
    expect(md).not.toContain('\\'); // and never shown with backslashes
    // Feishu: crawled text only in plain_text elements (no markdown at all); buttons carry http(s) URLs only
    const cards = v.feishu.requests.map((x) => x.json.card);
    for (const c of cards) {
      expect(JSON.stringify(c)).not.toContain('lark_md');
      for (const el of c.elements) if (el.tag === 'action') for (const b of el.actions) expect(b.url).toMatch(/^https?:\/\//);
    }
    // Slack: mrkdwn (the text and the links section) has &, <, > escaped; crawled text elsewhere is plain_text
    const slackMrkdwn = v.slack.requests.flatMap((x) => [x.json.text, ...x.json.attachments[0].blocks.filter((b: any) => b.text.type === 'mrkdwn').map((b: any) => b.text.text)]).join('\n');
    expect(slackMrkdwn).not.toMatch(/<javascript:|<img|<b>|<!channel>/);
    expect(v.slack.requests.flatMap((x) => x.json.attachments[0].blocks.filter((b: any) => b.text.type === 'mrkdwn').map((b: any) => b.text.text)).join('\n')).not.toMatch(/<javascript:|坏人/);
    expect(smtp.mails[0].raw).toContain('Content-Type: text/html');
    expect(smtp.mails.map((m) => m.raw.split('Content-Type: text/html')[1] ?? '').join('')).not.toMatch(/href=3D"javascript:|href="javascript:|<img src=3Dx|<img src=x/);
    expect(v.webhook.requests[0].json.notification.posts[0].url).toBeNull(); // JSON consumers get data, never a javascript: URL
    expect(all).toContain('【P1 危机】');
    expect(v.dingtalk.requests[0].json.markdown.title).toContain('舆情');
    expect(smtp.mails[0].raw).toMatch(/Subject: /);
    expect(smtp.mails.map((m) => m.to[0])).toEqual(['pr@example.com', 'pr@example.com']);
    const attempts = db.prepare('SELECT COUNT(*) AS n FROM delivery_attempts WHERE ok = 1').get() as { n: number };
    expect(attempts.n).toBe(12);
  });
});
