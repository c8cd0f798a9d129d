// What the phone-push channels (ntfy, Bark, Gotify) show: the headline as the notification's
// title and the rest of the message (message.ts messageParts: post, detail lines, facts, links)
// as its plain-text body, cut by whole blocks to the service's size. Plain text: nothing to
// escape, the apps show it as written. The incident link usually goes in the service's own
// "open on tap" field, so it is in the body only when asked for.
import { factText, fitMessage, headline, messageParts, postByline, LABEL, type Notification } from '../message.js';
import { truncateChars, truncateUtf8 } from '../text-safety.js';

/** "【P1 危机】【升级 Escalation】title", one line, at most maxChars. */
export function pushTitle(n: Notification, maxChars = 200): string {
  return truncateChars(headline(n), maxChars);
}

export interface PushBodyOptions {
  /** bytes of UTF-8 at most */
  maxBytes: number;
  /** also write the incident link (when the service has no tap action, or it is used for something else) */
  incidentLink?: boolean;
  /** also write the signed acknowledge link and its expiry */
  ackLink?: boolean;
}

export function pushBody(n: Notification, o: PushBodyOptions): string {
  const m = messageParts(n);
  const blocks: { text: string; keep?: boolean }[] = [];
  if (m.post) blocks.push({ text: [`“${m.post.text}”`, postByline(m.post)].filter(Boolean).join('\n') });
  for (const l of m.lines) blocks.push({ text: l });
  for (const f of m.facts) blocks.push({ text: truncateUtf8(factText(f), Math.floor(o.maxBytes / 2)), keep: f.label === LABEL.risk });
  if (o.incidentLink && m.incident) blocks.push({ text: `${m.incident.label}: ${m.incident.url}`, keep: true });
  if (o.ackLink && m.ack) blocks.push({ text: `${m.ack.label}: ${m.ack.url}${m.ack.validUntil ? `\n（${m.ack.validUntil}）` : ''}`, keep: true });
  const body = truncateUtf8(fitMessage(blocks, o.maxBytes, '\n'), o.maxBytes); // kept blocks are small; this only guards a tiny budget
  return body || truncateUtf8(m.title, o.maxBytes);
}
