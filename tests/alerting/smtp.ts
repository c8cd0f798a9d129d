// An in-process SMTP server (smtp-server) on 127.0.0.1 that keeps every message it accepts.
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface Mail { from: string; to: string[]; raw: string; at: number }
export interface LocalSmtp { url: string; mails: Mail[]; close(): Promise<void>; failNext: number }

export async function startSmtp(): Promise<LocalSmtp> {
  const mails: Mail[] = [];
  const box: LocalSmtp = { url: '', mails, failNext: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false, disableReverseLookup: true,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (box.failNext > 0) { box.failNext--; const e = new Error('try again later') as Error & { responseCode: number }; e.responseCode = 451; return cb(e); }
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        cb();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.server.address() as AddressInfo;
  box.url = `smtp://127.0.0.1:${port}`;
  box.close = () => new Promise<void>((ok) => server.close(() => ok()));
  return box;
}
