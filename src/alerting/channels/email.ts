// Email over SMTP (nodemailer): HTML and text parts, subject with level and title. The server
// comes from SMTP_URL (env) unless the receiver sets `smtp_url`. SMTP 4xx replies and connection
// problems are transient; 5xx replies, a missing server or bad addresses are permanent.
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import type { ChannelDefinition } from './channel.js';
import { emailSubject, renderHtml, renderText } from '../message.js';
import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';

const address = z.string().email();
const configSchema = z.object({
  to: z.union([address, z.array(address).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])),
  cc: z.array(address).optional(),
  from: z.string().optional(),
  smtp_url: z.string().regex(/^smtps?:\/\//, 'use smtp://user:pass@host:port or smtps://...').optional(),
}).strict();
export type EmailConfig = z.infer<typeof configSchema>;

const transports = new Map<string, Transporter>();
function transportFor(url: string, timeoutMs: number): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = nodemailer.createTransport(url + (url.includes('?') ? '&' : '?') + `connectionTimeout=${timeoutMs}&greetingTimeout=${timeoutMs}&socketTimeout=${timeoutMs}`);
    transports.set(url, t);
  }
  return t;
}

const TRANSIENT_NET = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED', 'ECONNRESET', 'EDNS', 'ETLS', 'EPROTOCOL']);

export const emailChannel: ChannelDefinition<EmailConfig> = {
  type: 'email',
  description: 'email over SMTP (SMTP_URL), HTML and text',
  configSchema: configSchema as unknown as z.ZodType<EmailConfig>,
  async send(config, n, ctx) {
    const url = config.smtp_url ?? ctx.env.smtpUrl;
    if (!url) throw new PermanentDeliveryError('email: no SMTP server configured (set SMTP_URL, e.g. smtp://user:pass@host:25)');
    try {
      const info = await transportFor(url, ctx.timeoutMs).sendMail({
        from: config.from ?? ctx.env.smtpFrom,
        to: config.to,
        cc: config.cc,
        subject: emailSubject(n),
        text: renderText(n),
        html: renderHtml(n),
        headers: { 'X-Flarewatch-Delivery': ctx.deliveryKey },
        messageId: `<${ctx.deliveryKey.replace(/[^\w.-]/g, '_')}@flarewatch>`,
      });
      if (info.rejected?.length && !info.accepted?.length) throw new PermanentDeliveryError(`email: all recipients rejected (${info.rejected.join(', ')})`);
      return { statusCode: 250, detail: `accepted ${info.accepted?.length ?? 0} (${(info.response ?? '').slice(0, 80)})` };
    } catch (e) {
      if (e instanceof PermanentDeliveryError) throw e;
      const err = e as Error & { code?: string; responseCode?: number };
      const msg = `email: ${err.message}`;
      if (typeof err.responseCode === 'number') {
        if (err.responseCode >= 400 && err.responseCode < 500) throw new TransientDeliveryError(msg, err.responseCode);
        throw new PermanentDeliveryError(msg, err.responseCode);
      }
      if (err.code && TRANSIENT_NET.has(err.code)) throw new TransientDeliveryError(msg);
      if (err.code === 'EENVELOPE' || err.code === 'EAUTH') throw new PermanentDeliveryError(msg);
      throw new TransientDeliveryError(msg);
    }
  },
};
