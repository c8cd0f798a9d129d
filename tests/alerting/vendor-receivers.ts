// Local stand-ins for the vendors, answering as their docs describe: HTTP 200 with an error code in
// the body on failure. DingTalk and Feishu verify the signature exactly as documented.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startReceiver, type Receiver, type Recorded } from './helpers.js';

const eq = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** DingTalk: sign = urlEncode(base64(HmacSHA256(secret, timestamp + "\n" + secret))), timestamp in ms within 1 hour. */
export function verifyDingtalk(req: Recorded, secret: string, keyword?: string): { errcode: number; errmsg: string } {
  const u = new URL(req.url, 'http://x');
  const ts = u.searchParams.get('timestamp');
  const sign = u.searchParams.get('sign'); // URLSearchParams decodes the url-encoding once
  if (!ts || !sign) return { errcode: 310000, errmsg: 'sign not match' };
  if (Math.abs(Date.now() - Number(ts)) > 3600_000) return { errcode: 310000, errmsg: 'timestamp expired' };
  const want = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
  if (!eq(sign, want)) return { errcode: 310000, errmsg: 'sign not match' };
  if (/[+/=]/.test(want) && !/%2B|%2F|%3D/i.test(u.search)) return { errcode: 310000, errmsg: 'sign not url-encoded' };
  if (keyword && !JSON.stringify(req.json).includes(keyword)) return { errcode: 310000, errmsg: 'keywords not in content' };
  if (req.json?.msgtype !== 'markdown' || typeof req.json?.markdown?.text !== 'string' || typeof req.json?.markdown?.title !== 'string') return { errcode: 40035, errmsg: 'missing markdown' };
  return { errcode: 0, errmsg: 'ok' };
}

/** Feishu: body.timestamp (seconds) and body.sign = base64(HmacSHA256(key = timestamp + "\n" + secret, msg = "")). */
export function verifyFeishu(req: Recorded, secret: string): { code: number; msg: string } {
  const ts = req.json?.timestamp;
  const sign = req.json?.sign;
  if (typeof ts !== 'string' || typeof sign !== 'string') return { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' };
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 3600) return { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' };
  const want = createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');
  if (!eq(sign, want)) return { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' };
  if (req.json?.msg_type !== 'interactive' || !req.json?.card?.header) return { code: 9499, msg: 'Bad Request' };
  return { code: 0, msg: 'success' };
}

/** WeCom: markdown.content must be at most 4096 bytes of UTF-8. */
export function verifyWecom(req: Recorded): { errcode: number; errmsg: string } {
  const c = req.json?.markdown?.content;
  if (req.json?.msgtype !== 'markdown' || typeof c !== 'string') return { errcode: 40008, errmsg: 'invalid message type' };
  if (Buffer.byteLength(c, 'utf8') > 4096) return { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' };
  return { errcode: 0, errmsg: 'ok' };
}

export function verifySlack(req: Recorded): { status: number; body: string } {
  if (typeof req.json?.text !== 'string' || !Array.isArray(req.json?.attachments)) return { status: 400, body: 'invalid_payload' };
  return { status: 200, body: 'ok' };
}

export interface Vendors { dingtalk: Receiver; feishu: Receiver; wecom: Receiver; slack: Receiver; webhook: Receiver; close(): Promise<void> }

export async function startVendors(o: { dingSecret: string; feishuSecret: string; hookSecret: string; keyword?: string }): Promise<Vendors> {
  const dingtalk = await startReceiver((r) => ({ body: verifyDingtalk(r, o.dingSecret, o.keyword) }));
  const feishu = await startReceiver((r) => ({ body: verifyFeishu(r, o.feishuSecret) }));
  const wecom = await startReceiver((r) => ({ body: verifyWecom(r) }));
  const slack = await startReceiver((r) => verifySlack(r));
  const webhook = await startReceiver((r) => {
    const want = `sha256=${createHmac('sha256', o.hookSecret).update(r.body).digest('hex')}`;
    return r.headers['x-flarewatch-signature'] === want ? { status: 204, body: '' } : { status: 401, body: 'bad signature' };
  });
  return { dingtalk, feishu, wecom, slack, webhook, close: async () => { for (const x of [dingtalk, feishu, wecom, slack, webhook]) await x.close(); } };
}
