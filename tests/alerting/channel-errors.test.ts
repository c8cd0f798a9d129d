import { describe, it, expect, afterEach } from 'vitest';
import { wecomChannel } from '../../src/alerting/channels/wecom.js';
import { dingtalkChannel, dingtalkSign } from '../../src/alerting/channels/dingtalk.js';
import { feishuChannel, feishuSign } from '../../src/alerting/channels/feishu.js';
import { slackChannel } from '../../src/alerting/channels/slack.js';
import { webhookChannel } from '../../src/alerting/channels/webhook.js';
import { emailChannel } from '../../src/alerting/channels/email.js';
import { buildRegistry, CHANNELS } from '../../src/alerting/channels/registry.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../../src/alerting/errors.js';
import type { ChannelContext } from '../../src/alerting/channels/channel.js';
import type { Notification } from '../../src/alerting/message.js';
import { startReceiver, testEnv, type Receiver } from './helpers.js';

const n: Notification = {
  kind: 'alert', level: 'P1', state: 'firing', topic: 'brand-x', incident: 'inc-1', title: '标题', risk: 90, reasons: ['r'], forecast: null,
  posts: [], postCount: 0, at: '2026-08-22T05:40:00Z', receiver: 'desk', dashboardUrl: null, ackUrl: null, ackExpiresAt: null, lines: [], others: [], alert: null, alertIds: [1],
};
const ctx = (): ChannelContext => ({ fetch, env: testEnv(), now: new Date(), timeoutMs: 1000, deliveryKey: 'k1' });
let rx: Receiver | null = null;
afterEach(async () => { await rx?.close(); rx = null; });

async function outcome(p: Promise<unknown>): Promise<string> {
  try { await p; return 'ok'; } catch (e) { return e instanceof TransientDeliveryError ? 'transient' : e instanceof PermanentDeliveryError ? 'permanent' : `other:${(e as Error).message}`; }
}

describe('HTTP 200 with an error code in the body is a failure', () => {
  it.each([
    ['wecom', { errcode: 0, errmsg: 'ok' }, 'ok'],
    ['wecom', { errcode: 93000, errmsg: 'invalid webhook url' }, 'permanent'],
    ['wecom', { errcode: 45009, errmsg: 'api freq out of limit' }, 'transient'],
    ['wecom', 'not json', 'permanent'],
    ['dingtalk', { errcode: 310000, errmsg: 'sign not match' }, 'permanent'],
    ['dingtalk', { errcode: 130101, errmsg: 'send too fast' }, 'transient'],
    ['dingtalk', { errcode: 0, errmsg: 'ok' }, 'ok'],
    ['feishu', { code: 19021, msg: 'sign match fail' }, 'permanent'],
    ['feishu', { code: 19024, msg: 'Key Words Not Found' }, 'permanent'],
    ['feishu', { code: 11232, msg: 'frequency limited' }, 'transient'],
    ['feishu', { StatusCode: 0, StatusMessage: 'success' }, 'ok'],
    ['slack', 'ok', 'ok'],
    ['slack', { ok: false, error: 'invalid_blocks' }, 'permanent'],
    ['slack', '', 'permanent'],
  ] as const)('%s answering %j → %s', async (type, body, want) => {
    rx = await startReceiver(() => ({ status: 200, body }));
    const ch = { wecom: wecomChannel, dingtalk: dingtalkChannel, feishu: feishuChannel, slack: slackChannel }[type] as typeof wecomChannel;
    expect(await outcome(ch.send({ webhook: `${rx.url}/x` } as never, n, ctx()))).toBe(want);
  });

  it.each([
    [500, 'transient'], [502, 'transient'], [408, 'transient'], [429, 'transient'], [400, 'permanent'], [403, 'permanent'], [404, 'permanent'], [410, 'permanent'],
  ] as const)('status %i → %s', async (status, want) => {
    rx = await startReceiver(() => ({ status, body: 'err' }));
    expect(await outcome(slackChannel.send({ webhook: `${rx.url}/x` }, n, ctx()))).toBe(want);
    expect(await outcome(webhookChannel.send({ url: `${rx.url}/x` }, n, ctx()))).toBe(want);
  });

  it('honours Retry-After on 429', async () => {
    rx = await startReceiver(() => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': '7' } }));
    const e = await slackChannel.send({ webhook: `${rx.url}/x` }, n, ctx()).catch((x) => x);
    expect(e).toBeInstanceOf(TransientDeliveryError);
    expect((e as TransientDeliveryError).retryAfterMs).toBe(7000);
  });

  it('a refused connection and a timeout are transient', async () => {
    rx = await startReceiver();
    const url = rx.url;
    await rx.close(); rx = null;
    expect(await outcome(webhookChannel.send({ url: `${url}/x` }, n, ctx()))).toBe('transient');
    rx = await startReceiver(() => ({ status: 200 }));
    rx.server.removeAllListeners('request');
    rx.server.on('request', () => { /* never answers */ });
    expect(await outcome(webhookChannel.send({ url: `${rx.url}/x` }, n, { ...ctx(), timeoutMs: 100 }))).toBe('transient');
  });

  it('email without SMTP_URL is a permanent, actionable failure', async () => {
    const e = await emailChannel.send({ to: ['a@example.com'] }, n, ctx()).catch((x) => x);
    expect(e).toBeInstanceOf(PermanentDeliveryError);
    expect((e as Error).message).toMatch(/SMTP_URL/);
  });
});

describe('signatures as the vendors document them', () => {
  it('DingTalk: Base64(HmacSHA256(secret, timestamp\\nsecret)), url-encoded in the query', async () => {
    rx = await startReceiver(() => ({ body: { errcode: 0 } }));
    const c = ctx();
    await dingtalkChannel.send({ webhook: `${rx.url}/robot/send?access_token=T`, secret: 'SEC123' }, n, c);
    const u = new URL(rx.requests[0].url, 'http://x');
    expect(u.searchParams.get('access_token')).toBe('T');
    expect(u.searchParams.get('timestamp')).toBe(String(c.now.getTime()));
    expect(u.searchParams.get('sign')).toBe(dingtalkSign(c.now.getTime(), 'SEC123'));
    // independent vector: printf '1700000000000\nSEC123' | openssl dgst -sha256 -hmac SEC123 -binary | base64
    expect(dingtalkSign(1700000000000, 'SEC123')).toBe('lkcPI1uoxBY1gUnCnnPH1Kkru0Hqjo7rFpA3haIVhEQ=');
    expect(rx.requests[0].url).toMatch(/&sign=[^&]*%2B|&sign=[A-Za-z0-9%]*$/); // + / = are percent-encoded
  });
  it('Feishu: timestamp (seconds) and sign in the body; key is timestamp\\nsecret, message empty', async () => {
    rx = await startReceiver(() => ({ body: { code: 0, msg: 'success' } }));
    const c = ctx();
    await feishuChannel.send({ webhook: `${rx.url}/hook`, secret: 'S' }, n, c);
    const b = rx.requests[0].json;
    expect(b.timestamp).toBe(String(Math.floor(c.now.getTime() / 1000)));
    expect(b.sign).toBe(feishuSign(Math.floor(c.now.getTime() / 1000), 'S'));
    expect(b.card.header.template).toBe('red');
    // independent vector: printf '' | openssl dgst -sha256 -hmac "$(printf '1700000000\nS')" -binary | base64
    expect(feishuSign(1700000000, 'S')).toBe('58D73a4lcvAVA/DkNKHqYBEm3lVwDQ0AGlSUNOPhN/4=');
  });
});

describe('registry', () => {
  it('has the ten channels and refuses duplicates', () => {
    expect(CHANNELS.map((c) => c.type).sort()).toEqual(['bark', 'dingtalk', 'email', 'feishu', 'gotify', 'ntfy', 'slack', 'telegram', 'webhook', 'wecom']);
    expect(() => buildRegistry([webhookChannel, webhookChannel])).toThrow(/registered twice/);
  });
});
