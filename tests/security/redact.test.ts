// Secrets never reach the log: redactText/redactFields on every kind of credential Flarewatch
// handles, and consoleLog (what `start` and `demo` log through) end to end.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { redactText, redactFields, knownSecrets } from '../../src/security/redact.js';
import { consoleLog } from '../../src/runtime/monitor.js';

const CASES: [string, string][] = [
  ['smtp://mailer:s3cr3t-Pa55@smtp.example.com:25', 's3cr3t-Pa55'],
  ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa', '693a91f6-7xxx'],
  ['https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789abcdef&timestamp=1', 'abcdef0123456789abcdef'],
  ['secret SEC7d5a3b5c1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c', 'SEC7d5a3b5c1e0f9a8b7c6d5e4f'],
  ['https://open.feishu.cn/open-apis/bot/v2/hook/2f0f8e2a-1234-4c5d-9e8f-aabbccddeeff', '2f0f8e2a-1234'],
  ['https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX', 'XXXXXXXXXXXXXXXXXXXXXXXX'],
  ['Authorization: Bearer fw_9f8e7d6c5b4a39281706', 'fw_9f8e7d6c5b4a39281706'],
  ['request failed with cookie: SUB=_2A25Lxyz123; SUBP=0033WrSXqPxfM725', '_2A25Lxyz123'],
  ['posted https://example.com/hook?token=tok-123456&x=1', 'tok-123456'],
];

describe('redactText', () => {
  it.each(CASES)('masks the secret in %s', (line, secret) => {
    const out = redactText(line);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
  it('keeps ordinary text and URLs readable', () => {
    const s = 'alert P1 firing inc-7 risk=88 星河乳业 https://m.weibo.cn/status/4235713744988722?page=2';
    expect(redactText(s)).toBe(s);
  });
  it('masks known secret values anywhere (e.g. a cookie quoted in an error message)', () => {
    expect(redactText('login wall with my-weibo-cookie-value seen', ['my-weibo-cookie-value'])).toBe('login wall with [redacted] seen');
  });
});

describe('redactFields', () => {
  it('masks secret-named fields whole and scrubs nested strings', () => {
    const out = redactFields({ receiver: 'pr', secret: 'S', headers: { Authorization: 'Bearer x' }, url: 'smtp://u:pw12345@h', list: ['key=1', 'https://a/?key=abcdef'] }) as Record<string, unknown>;
    expect(out).toEqual({ receiver: 'pr', secret: '[redacted]', headers: { Authorization: '[redacted]' }, url: 'smtp://u:[redacted]@h', list: ['key=1', 'https://a/?key=[redacted]'] });
  });
  it('collects known secrets from an Env', () => {
    const k = knownSecrets({ smtpUrl: 'smtp://u:p%40ss-word@h:25', weiboCookies: 'SUB=abc; SUBP=def', secret: null, vars: { DINGTALK_SECRET: 'SECxyz123', HOME: '/root' } });
    expect(k).toEqual(['p@ss-word', 'SUB=abc; SUBP=def', 'SECxyz123']);
  });
});

describe('consoleLog', () => {
  it('writes no secret from the message or the fields', () => {
    let out = '';
    const sink = new Writable({ write(c, _e, cb) { out += c; cb(); } });
    const log = consoleLog(sink, 'debug', ['hunter2-known']);
    log('warn', 'alerting: delivery to https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY123 failed (hunter2-known)', { smtp: 'smtp://a:pw-998877@mail:25', cookie: 'SUB=zzz', attempt: 2 });
    log('info', 'crawl https://tieba.baidu.com/f?kw=x ok');
    expect(out).not.toMatch(/SECRETKEY123|hunter2-known|pw-998877|SUB=zzz/);
    expect(out).toContain('"attempt":2');
    expect(out).toContain('crawl https://tieba.baidu.com/f?kw=x ok');
  });
});
