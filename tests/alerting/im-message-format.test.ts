// What a reader sees, per vendor, for one Chinese P1 alert whose title and post carry markdown
// and HTML characters, links and mentions: the exact rendered text (snapshot-like, written out),
// no backslash escapes in WeCom/DingTalk/Feishu, nothing said twice, and the level, title and
// post first, as a phone shows them. Issue 14 item 6.
import { describe, it, expect } from 'vitest';
import { freshDb, testEnv } from './helpers.js';
import { emptyAlertingConfig } from '../../src/config/alerting-config.js';
import { buildAlertNotification } from '../../src/alerting/notification-builder.js';
import { signAckToken } from '../../src/alerting/ack-link.js';
import { emailSubject, renderHtml, renderText, type Notification } from '../../src/alerting/message.js';
import { wecomChannel, wecomMarkdown } from '../../src/alerting/channels/wecom.js';
import { dingtalkChannel, dingtalkMarkdown, dingtalkTitle } from '../../src/alerting/channels/dingtalk.js';
import { feishuCard, feishuChannel } from '../../src/alerting/channels/feishu.js';
import { slackChannel, slackPayload } from '../../src/alerting/channels/slack.js';
import type { ChannelContext } from '../../src/alerting/channels/channel.js';
import type { AlertRecord } from '../../src/core/alert.js';

const Z = '\u200b'; // the invisible zero-width space that keeps crawled text from forming markup
const TITLE = '云雀乳业 (yunque) 酸奶 inc-2 批次 +8.8k/h *紧急* _通报_ [实锤] <b>加粗</b> @all';
const POST = '喝了两盒全家上吐下泻 [点我](http://evil.example/x) <font color="warning">假</font> <@all> @all **快转** 1+1';
const WALL = new Date('2026-08-22T05:40:00Z');
const TOKEN = signAckToken('inc-2', new Date('2026-08-29T05:40:00Z'), 'k');
const ACK = `https://fw.example.com/ack/${TOKEN}`;
const INC = 'https://fw.example.com/#/incident/inc-2';

function p1(): Notification {
  const db = freshDb();
  db.prepare("INSERT INTO topics (id, name, query) VALUES ('yunque', '云雀乳业', '云雀乳业')").run();
  const post = db.prepare(`INSERT INTO posts (source, ext_id, kind, url, title, text, author_name, first_seen_at, last_seen_at, reposts)
    VALUES (?, ?, 'post', ?, ?, ?, ?, '2026-08-22T05:00:00Z', '2026-08-22T05:30:00Z', ?)`);
  // a forum thread: its title is the incident's title, which the message must not repeat
  post.run('tieba', '77', 'https://tieba.baidu.com/p/77', TITLE, POST, '小林_(受害者)', 8800);
  post.run('weibo', '1', 'https://m.weibo.cn/status/1', null, '转发 //@某人: 真的吗', '路人', 3);
  const alert: AlertRecord & { id: number } = {
    id: 1, at: '2026-08-22T05:40:00.000Z', topic: 'yunque', incident: 'inc-2', level: 'P1', state: 'firing', risk: 87, title: TITLE,
    reasons: ['reposts +8.8k/h', 'severity: 住院 (safety/health)', 'forecast 2.3k (1.6k–3.3k) in 24 h', '2 sources (tieba, weibo)', 'negative 100% of 27 posts', 'an author with 1.2M followers'],
    posts: ['tieba:77', 'weibo:1'], forecast: { reposts: 2300, low: 1600, high: 3300 }, sources: ['tieba', 'weibo'], kind: 'incident',
  };
  return buildAlertNotification({ db, config: emptyAlertingConfig(), env: testEnv({ FLAREWATCH_PUBLIC_URL: 'https://fw.example.com/' }), secret: 'k', wallNow: WALL },
    'alert', 'pr-desk', [alert]);
}

/** Occurrences of `needle` in `hay`, zero-width spaces ignored. */
function count(hay: string, needle: string): number {
  return hay.replaceAll(Z, '').split(needle).length - 1;
}

describe('IM messages for a Chinese P1 alert, per vendor', () => {
  it('WeCom: documented markdown subset, level + title + post first, no backslashes, nothing repeated', () => {
    const md = wecomMarkdown(p1());
    expect(md).toBe([
      `<font color="warning">【P1 危机】</font>**云雀乳业 (yunque) 酸奶 inc-2 批次 +8.8k/h *紧急* _通报_ [实锤] <${Z}b>加粗<${Z}/b> @${Z}all**`,
      `> “喝了两盒全家上吐下泻 [点我]${Z}(http://evil.example/x) <${Z}font color="warning">假<${Z}/font> <${Z}@${Z}all> @${Z}all *${Z}*快转*${Z}* 1+1” — 小林_(受害者) · 贴吧 · 转发 8,800 [原帖 Post](https://tieba.baidu.com/p/77)`,
      '风险 Risk **87**：转发 +8.8k/小时；严重性：住院（安全/健康）；负面占 100%（共 27 条）',
      '预测 Forecast：24h 转发 2,300 (1,600–3,300)',
      '来源 Sources：贴吧、微博 · 2 帖 posts · 主题 Topic 云雀乳业 (yunque)',
      `[查看事件 Incident](${INC}) · [一键确认 Acknowledge](${ACK})`,
      '<font color="comment">有效至 valid until 北京时间 2026-08-29 13:40</font>',
    ].join('\n'));
    expect(md).not.toContain('\\');
    expect(count(md, TITLE.replace(/<\/?b>/g, '').slice(0, 20))).toBe(1); // the title once
    expect(count(md, '2,300')).toBe(1); // the forecast once (its reason is not repeated)
    expect(md).not.toMatch(/2\.3k|2 sources/);
  });

  it('DingTalk: title + markdown text (no colours), blank-line blocks, keyword after the title and at the end', () => {
    const n = p1();
    expect(dingtalkTitle(n, ['舆情'])).toBe(`【P1 危机】${TITLE} · 舆情`);
    const md = dingtalkMarkdown(n);
    expect(md).toBe([
      `#### 【P1 危机】云雀乳业 (yunque) 酸奶 inc-2 批次 +8.8k/h *紧急* _通报_ [实锤] <${Z}b>加粗<${Z}/b> @${Z}all`,
      `> “喝了两盒全家上吐下泻 [点我]${Z}(http://evil.example/x) <${Z}font color="warning">假<${Z}/font> <${Z}@${Z}all> @${Z}all *${Z}*快转*${Z}* 1+1” — 小林_(受害者) · 贴吧 · 转发 8,800 [原帖 Post](https://tieba.baidu.com/p/77)`,
      '风险 Risk **87**：转发 +8.8k/小时；严重性：住院（安全/健康）；负面占 100%（共 27 条）',
      '预测 Forecast：24h 转发 2,300 (1,600–3,300)',
      '来源 Sources：贴吧、微博 · 2 帖 posts · 主题 Topic 云雀乳业 (yunque)',
      `[查看事件 Incident](${INC}) · [一键确认 Acknowledge](${ACK})（有效至 valid until 北京时间 2026-08-29 13:40）`,
    ].join('\n\n'));
    expect(md).not.toContain('\\');
    expect(md).not.toContain('<font');
    expect(count(md, '2,300')).toBe(1);
  });

  it('Feishu: card with coloured header; crawled text only as plain_text (no escapes needed); URL buttons', () => {
    expect(feishuCard(p1(), ['舆情'])).toEqual({
      config: { wide_screen_mode: true },
      header: { template: 'red', title: { tag: 'plain_text', content: `【P1 危机】${TITLE} · 舆情` } },
      elements: [
        { tag: 'div', text: { tag: 'plain_text', content: `“${POST}”\n— 小林_(受害者) · 贴吧 · 转发 8,800` } },
        { tag: 'div', text: { tag: 'plain_text', content: [
          '风险 Risk 87：转发 +8.8k/小时；严重性：住院（安全/健康）；负面占 100%（共 27 条）',
          '预测 Forecast：24h 转发 2,300 (1,600–3,300)',
          '来源 Sources：贴吧、微博 · 2 帖 posts · 主题 Topic 云雀乳业 (yunque)',
        ].join('\n') } },
        { tag: 'action', actions: [
          { tag: 'button', text: { tag: 'plain_text', content: '一键确认 Acknowledge' }, url: ACK, type: 'primary' },
          { tag: 'button', text: { tag: 'plain_text', content: '查看事件 Incident' }, url: INC, type: 'default' },
          { tag: 'button', text: { tag: 'plain_text', content: '原帖 Post' }, url: 'https://tieba.baidu.com/p/77', type: 'default' },
        ] },
        { tag: 'note', elements: [{ tag: 'plain_text', content: '有效至 valid until 北京时间 2026-08-29 13:40' }] },
      ],
    });
    expect(JSON.stringify(feishuCard(p1()))).not.toMatch(/lark_md|\\\\/);
  });

  it('Slack: the headline as mrkdwn text with &, <, > escaped; post and facts as plain_text; our links', () => {
    expect(slackPayload(p1())).toEqual({
      text: '【P1 危机】云雀乳业 (yunque) 酸奶 inc-2 批次 +8.8k/h *紧急* _通报_ [实锤] &lt;b&gt;加粗&lt;/b&gt; @all',
      attachments: [{
        color: '#d32f2f',
        blocks: [
          { type: 'section', text: { type: 'plain_text', emoji: false, text: `“${POST}”\n— 小林_(受害者) · 贴吧 · 转发 8,800` } },
          { type: 'section', text: { type: 'plain_text', emoji: false, text: [
            '风险 Risk 87：转发 +8.8k/小时；严重性：住院（安全/健康）；负面占 100%（共 27 条）',
            '预测 Forecast：24h 转发 2,300 (1,600–3,300)',
            '来源 Sources：贴吧、微博 · 2 帖 posts · 主题 Topic 云雀乳业 (yunque)',
          ].join('\n') } },
          { type: 'section', text: { type: 'mrkdwn', text: `<${ACK}|一键确认 Acknowledge>  ·  <${INC}|查看事件 Incident>  ·  <https://tieba.baidu.com/p/77|原帖 Post>\n有效至 valid until 北京时间 2026-08-29 13:40` } },
        ],
      }],
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it('email: subject, text part and HTML (escaped, links http(s) only)', () => {
    const n = p1();
    expect(emailSubject(n)).toBe(`【P1 危机】${TITLE} (P1 crisis)`);
    expect(renderText(n)).toBe([
      `【P1 危机】${TITLE}`,
      `“${POST}”`,
      '— 小林_(受害者) · 贴吧 · 转发 8,800',
      'https://tieba.baidu.com/p/77',
      '风险 Risk 87：转发 +8.8k/小时；严重性：住院（安全/健康）；负面占 100%（共 27 条）',
      '预测 Forecast：24h 转发 2,300 (1,600–3,300)',
      '来源 Sources：贴吧、微博 · 2 帖 posts · 主题 Topic 云雀乳业 (yunque)',
      `查看事件 Incident: ${INC}`,
      `一键确认 Acknowledge: ${ACK}`,
      '（有效至 valid until 北京时间 2026-08-29 13:40）',
    ].join('\n'));
    const html = renderHtml(n);
    expect(html).toContain('云雀乳业 (yunque) 酸奶 inc-2 批次 +8.8k/h *紧急* _通报_ [实锤] &lt;b&gt;加粗&lt;/b&gt; @all</h2>');
    expect(html).toContain('“喝了两盒全家上吐下泻 [点我](http://evil.example/x) &lt;font color=&quot;warning&quot;&gt;假&lt;/font&gt; &lt;@all&gt; @all **快转** 1+1”');
    expect(html).not.toMatch(/<font|<b>加粗|href="http:\/\/evil/);
    expect(count(html, '2,300')).toBe(1);
    expect(html).toContain(`<a href="${ACK}"`);
  });

  it('reads on a phone: the first lines are the level, the title and the post, and no line is metadata padding', () => {
    const n = p1();
    const screens = {
      wecom: wecomMarkdown(n).split('\n'),
      dingtalk: dingtalkMarkdown(n).split('\n\n'),
      text: renderText(n).split('\n'),
    };
    for (const [name, lines] of Object.entries(screens)) {
      expect(lines[0], name).toContain('【P1 危机】');
      expect(lines[0].replaceAll(Z, ''), name).toContain('云雀乳业 (yunque) 酸奶');
      expect(lines[1], name).toContain('喝了两盒全家上吐下泻');
      expect(lines.length, name).toBeLessThanOrEqual(10);
      for (const l of lines) expect(l, name).not.toMatch(/^\*\*(级别|主题|事件) /); // no metadata block before the post
    }
  });

  it('each channel sends exactly what its renderer makes (keyword, mentions, signature fields aside)', async () => {
    const n = p1();
    const sent: { url: string; body: any }[] = [];
    const fetchFake = (async (url: string, init: { body: string }) => {
      sent.push({ url, body: JSON.parse(init.body) });
      return new Response(url.includes('slack') ? 'ok' : JSON.stringify({ errcode: 0, code: 0 }), { status: 200 });
    }) as unknown as typeof fetch;
    const ctx: ChannelContext = { fetch: fetchFake, env: testEnv(), now: WALL, timeoutMs: 1000, deliveryKey: 'd1' };
    await wecomChannel.send({ webhook: 'https://qyapi.example/wecom', mention_users: ['zhangsan'] }, n, ctx);
    await dingtalkChannel.send({ webhook: 'https://oapi.example/ding', keywords: ['舆情'], at_mobiles: ['138-0000-0000'] }, n, ctx);
    await feishuChannel.send({ webhook: 'https://open.example/feishu' }, n, ctx);
    await slackChannel.send({ webhook: 'https://hooks.slack.example/x' }, n, ctx);
    expect(sent[0].body).toEqual({ msgtype: 'markdown', markdown: { content: `${wecomMarkdown(n, 4096 - Buffer.byteLength('\n<@zhangsan>'))}\n<@zhangsan>` } });
    expect(sent[1].body).toEqual({
      msgtype: 'markdown',
      markdown: { title: `【P1 危机】${TITLE} · 舆情`, text: `${dingtalkMarkdown(n)}\n\n舆情\n\n@13800000000` },
      at: { atMobiles: ['13800000000'], isAtAll: false },
    });
    expect(sent[2].body).toEqual({ msg_type: 'interactive', card: feishuCard(n) });
    expect(sent[3].body).toEqual(slackPayload(n));
  });
});
