// The notification (what a receiver is told), the one content model every format renders
// (`messageParts`: what is said and in which order), and the plain-text and HTML renderings
// (email). Each IM channel renders the parts in its vendor's format in its own file.
//
// What a reader sees first on a phone: the level, the title and the post text; then a few short
// lines: risk with its top reasons, the forecast once, the sources, the incident link and the
// signed acknowledge link with its expiry in the desk's time zone. Nothing is said twice.
import { LEVEL_COLOR, LEVEL_NAME, type ForecastValue, type Level } from '../core/alert.js';
import { escapeHtml, markdownUrl, neutralizeMarkdown, safeUrl, truncateChars, truncateUtf8, utf8Bytes } from './text-safety.js';
import { DEFAULT_TIME_ZONE, localTimeWithZone } from './display-time.js';
import { localizeReason, sourceName } from '../i18n/reason-text.js';
import { earlyForecastText } from '../i18n/forecast-text.js';

export type NotificationKind = 'alert' | 'repeat' | 'resolved' | 'escalation' | 'reminder' | 'digest' | 'source-health' | 'test';

export interface NotificationPost { key: string; url: string | null; text: string; author: string | null; reposts: number | null }

export interface Notification {
  kind: NotificationKind;
  level: Level;
  state: 'firing' | 'resolved';
  topic: string;
  incident: string | null;
  title: string;
  risk: number;
  reasons: string[];
  forecast: ForecastValue | null;
  posts: NotificationPost[];
  postCount: number;
  /** alert time (data clock) */
  at: string;
  receiver: string;
  dashboardUrl: string | null;
  ackUrl: string | null;
  ackExpiresAt: string | null;
  /** extra plain-text lines (digest entries, reminder and source-health details) */
  lines: string[];
  /** other alerts grouped into this notification */
  others: { incident: string | null; level: Level; title: string; state: string }[];
  /** the contract alert (contracts.md §3) for the generic webhook, null for non-alert notices */
  alert: Record<string, unknown> | null;
  alertIds: number[];
  /** platforms the incident's posts come from (weibo, tieba, ...); older queued rows lack it */
  sources?: string[];
  /** IANA zone for displayed times (FLAREWATCH_TZ); Asia/Shanghai when missing */
  timeZone?: string;
}

const KIND_LABEL: Record<NotificationKind, string> = {
  alert: '', repeat: '【重复提醒 Repeat】', resolved: '【已恢复 Resolved】', escalation: '【升级 Escalation】',
  reminder: '【持续跟进 Follow-up】', digest: '【早报 Morning digest】', 'source-health': '【数据源异常 Source health】', test: '【测试 Test】',
};

/** Labels a reader sees, Chinese first. */
export const LABEL = {
  risk: '风险 Risk', forecast: '预测 Forecast', sources: '来源 Sources', topic: '主题 Topic', posts: '帖 posts', reposts: '转发',
  others: '同组 Also', incident: '查看事件 Incident', dashboard: '查看看板 Dashboard', ack: '一键确认 Acknowledge', original: '原帖 Post',
  validUntil: '有效至 valid until', resolved: '已恢复 resolved',
} as const;

export function levelTag(level: Level): string { return `【${level} ${LEVEL_NAME[level].zh}】`; }
export function levelColor(level: Level): string { return LEVEL_COLOR[level]; }

function oneLine(s: string): string { return s.replace(/\s+/g, ' ').trim(); }

function kindTag(n: Notification): string {
  return KIND_LABEL[n.kind] || (n.state === 'resolved' ? KIND_LABEL.resolved : '');
}

/** One-line plain headline, e.g. "【P1 危机】【升级 Escalation】星河乳业 质量投诉". Not escaped. */
export function headline(n: Notification): string {
  return `${levelTag(n.level)}${kindTag(n)}${oneLine(n.title)}`;
}

export function emailSubject(n: Notification): string {
  return truncateUtf8(`${headline(n)} (${n.level} ${LEVEL_NAME[n.level].en})`, 400);
}

function fmtNum(v: number): string { return Math.round(v).toLocaleString('en-US'); }

/**
 * The forecast line's value. A forecast flagged early has no believable number yet: the line says
 * so with what is known (reposts so far, the post's age), Chinese then English like the labels.
 */
export function forecastText(f: ForecastValue | null): string | null {
  if (!f) return null;
  const e = earlyOf(f);
  if (e) return `${earlyForecastText(e, 'zh-CN')} / ${earlyForecastText(e, 'en')}`;
  return `${f.horizonHours ?? 24}h ${LABEL.reposts} ${fmtNum(f.reposts)} (${fmtNum(f.low)}–${fmtNum(f.high)})`;
}

/** The forecast's early mark when it is well formed (queued rows are parsed JSON). */
function earlyOf(f: ForecastValue): { reposts: number; minutes: number } | null {
  const e = f.early;
  return e && Number.isFinite(e.reposts) && Number.isFinite(e.minutes) ? e : null;
}

// Reasons that the forecast and sources lines already say (risk-model.ts words them
// "forecast 2.3k (1.6k–3.3k) in 24 h", "too early to forecast: 4.1k reposts in 2 min" and
// "2 sources (tieba, weibo)"): shown once, in their line.
const FORECAST_REASON = /^(forecast \d|too early to forecast:)/i;
const SOURCES_REASON = /^\d+ sources? \(/i;

/** A line of facts: `label` and `strong` are ours; `value` may carry crawled words (escape per format). */
export interface MessageFact { label: string; strong?: string; value: string }
export interface MessageLink { label: string; url: string }

/** What a notification says, in reading order; every string plain (each format escapes its own). */
export interface MessageParts {
  /** 【P1 危机】 */
  levelTag: string;
  /** 【升级 Escalation】, 【已恢复 Resolved】 or '' */
  kindTag: string;
  /** one line */
  title: string;
  /** the most reposted post's text (without the title when it starts with it), one line */
  post: { text: string; author: string | null; source: string | null; reposts: number | null; url: string | null } | null;
  /** reminder, digest and source-health details, one line each */
  lines: string[];
  facts: MessageFact[];
  incident: MessageLink | null;
  ack: (MessageLink & { validUntil: string | null }) | null;
}

export const POST_MAX_CHARS = 160;
/** reasons and platform names in IM and email: Chinese first, like the labels */
const MESSAGE_LANG = 'zh-CN';
const REASONS_SHOWN = 3;

/** The post text without a leading copy of the title (the builder joins a thread's title and text). */
function postBody(text: string, title: string): string {
  const t = oneLine(text);
  const h = oneLine(title);
  if (h && t.startsWith(h)) return t.slice(h.length).replace(/^[\s·:：,，.。\-—|]+/, '');
  return t;
}

export function messageParts(n: Notification): MessageParts {
  const title = oneLine(n.title);
  const top = n.posts.find((p) => postBody(p.text, title) && postBody(p.text, title) !== p.key) ?? null;
  const post = top ? {
    text: truncateChars(postBody(top.text, title), POST_MAX_CHARS),
    author: top.author ? truncateChars(oneLine(top.author), 40) : null,
    source: top.key.includes(':') ? sourceName(top.key.slice(0, top.key.indexOf(':')), MESSAGE_LANG) : null,
    reposts: top.reposts,
    url: safeUrl(top.url),
  } : null;

  const facts: MessageFact[] = [];
  const isAbout = n.kind !== 'digest' && n.kind !== 'source-health' && n.kind !== 'test';
  const sources = n.sources?.length ? n.sources : [...new Set(n.posts.map((p) => p.key.split(':')[0]).filter(Boolean))];
  if (isAbout && (n.risk > 0 || n.reasons.length)) {
    const reasons = n.reasons
      .filter((r) => !(n.forecast && FORECAST_REASON.test(r)) && !(sources.length && SOURCES_REASON.test(r)))
      .slice(0, REASONS_SHOWN).map((r) => truncateChars(oneLine(localizeReason(r, MESSAGE_LANG)), 80));
    facts.push({ label: LABEL.risk, strong: String(Math.round(n.risk)), value: reasons.join('；') });
  }
  const fc = isAbout ? forecastText(n.forecast) : null;
  if (fc) facts.push({ label: LABEL.forecast, value: fc });
  if (isAbout && (sources.length || n.postCount)) {
    const parts = [sources.map((x) => sourceName(x, MESSAGE_LANG)).join('、'), n.postCount ? `${n.postCount} ${LABEL.posts}` : ''].filter(Boolean);
    if (n.topic && n.topic !== '-') parts.push(`${LABEL.topic} ${truncateChars(oneLine(n.topic), 60)}`);
    facts.push({ label: LABEL.sources, value: parts.join(' · ') });
  }
  if (n.others.length) {
    const shown = n.others.slice(0, 3).map((o) => `${o.level} ${truncateChars(oneLine(o.title), 40)}${o.state === 'resolved' ? ` (${LABEL.resolved})` : ''}`);
    facts.push({ label: LABEL.others, value: shown.join('；') + (n.others.length > 3 ? ` +${n.others.length - 3}` : '') });
  }

  const dash = safeUrl(n.dashboardUrl);
  const ack = safeUrl(n.ackUrl);
  return {
    levelTag: levelTag(n.level),
    kindTag: kindTag(n),
    title,
    post,
    lines: n.lines.map((l) => truncateChars(oneLine(l), 300)).filter(Boolean),
    facts,
    incident: dash ? { label: n.incident ? LABEL.incident : LABEL.dashboard, url: dash } : null,
    ack: ack ? { label: LABEL.ack, url: ack, validUntil: ackValidUntil(n) } : null,
  };
}

/** "有效至 valid until 北京时间 08-29 13:40": the link's expiry in the desk's zone. */
export function ackValidUntil(n: Notification): string | null {
  const t = localTimeWithZone(n.ackExpiresAt, n.timeZone ?? DEFAULT_TIME_ZONE);
  return t ? `${LABEL.validUntil} ${t}` : null;
}

/** "— 小林 · weibo · 转发 1,234" (plain). */
export function postByline(p: NonNullable<MessageParts['post']>): string {
  const bits = [p.author, p.source, p.reposts != null ? `${LABEL.reposts} ${fmtNum(p.reposts)}` : null].filter(Boolean);
  return bits.length ? `— ${bits.join(' · ')}` : '';
}

export function factText(f: MessageFact, sep = '：'): string {
  return `${f.label}${f.strong ? ` ${f.strong}` : ''}${f.value ? `${sep}${f.value}` : ''}`;
}

/**
 * Join rendered blocks within maxBytes, in reading order. `keep` blocks are always there (each
 * already sized by its renderer); the others are added in order while they fit, and a note where
 * they end says how many were left out.
 */
export function fitMessage(blocks: { text: string; keep?: boolean }[], maxBytes: number, sep: string,
  note = (k: number) => `…(另有 ${k} 项 / ${k} more)`): string {
  const present = blocks.filter((b) => b.text);
  const sepBytes = utf8Bytes(sep);
  const size = (t: string) => utf8Bytes(t) + sepBytes; // n blocks have n-1 separators: budget maxBytes + sepBytes
  const optional = present.filter((b) => !b.keep);
  const reserve = optional.length ? size(note(optional.length)) : 0;
  let used = present.filter((b) => b.keep).reduce((a, b) => a + size(b.text), 0);
  const fits = (extra: number) => used + extra <= maxBytes + sepBytes;
  const chosen = new Set<{ text: string }>();
  let left = 0;
  optional.forEach((b, i) => {
    const isLast = i === optional.length - 1 && left === 0; // nothing left out: no note needed
    if (fits(size(b.text) + (isLast ? 0 : reserve))) { chosen.add(b); used += size(b.text); } else left++;
  });
  const out = present.filter((b) => b.keep || chosen.has(b));
  const texts = out.map((b) => b.text);
  if (left) {
    const lastOptional = present.reduce((a, b, i) => (b.keep ? a : i), -1);
    texts.splice(out.filter((b) => present.indexOf(b) <= lastOptional).length, 0, note(left));
  }
  return texts.join(sep);
}

/** Plain text (email text part, test output). */
export function renderText(n: Notification, maxBytes = 100_000): string {
  const m = messageParts(n);
  const blocks: { text: string; keep?: boolean }[] = [{ text: truncateUtf8(`${m.levelTag}${m.kindTag}${m.title}`, 1000), keep: true }];
  if (m.post) blocks.push({ text: [`“${m.post.text}”`, postByline(m.post), m.post.url ?? ''].filter(Boolean).join('\n') });
  for (const l of m.lines) blocks.push({ text: l });
  for (const f of m.facts) blocks.push({ text: factText(f), keep: f.label === LABEL.risk });
  if (m.incident) blocks.push({ text: `${m.incident.label}: ${m.incident.url}`, keep: true });
  if (m.ack) blocks.push({ text: `${m.ack.label}: ${m.ack.url}${m.ack.validUntil ? `\n（${m.ack.validUntil}）` : ''}`, keep: true });
  return fitMessage(blocks, maxBytes, '\n');
}

/** HTML email body (inline styles: mail clients drop style sheets; every crawled string escaped). */
export function renderHtml(n: Notification): string {
  const m = messageParts(n);
  const color = n.state === 'resolved' ? '#2e7d32' : LEVEL_COLOR[n.level];
  const e = escapeHtml;
  const p = (inner: string) => `<p style="margin:4px 0">${inner}</p>`;
  const post = m.post ? `<blockquote style="margin:8px 0 12px;padding:4px 12px;border-left:3px solid #ccc;color:#222">“${e(m.post.text)}”`
    + `<br><span style="color:#777;font-size:13px">${e(postByline(m.post))}${m.post.url ? ` · <a href="${e(m.post.url)}">${e(LABEL.original)}</a>` : ''}</span></blockquote>` : '';
  const lines = m.lines.map((l) => p(e(l))).join('');
  const facts = m.facts.map((f) => p(`<b>${e(f.label)}${f.strong ? ` ${e(f.strong)}` : ''}</b>${f.value ? `：${e(f.value)}` : ''}`)).join('');
  const btn = (l: MessageLink, bg: string) => `<a href="${e(l.url)}" style="display:inline-block;padding:8px 16px;margin:0 8px 8px 0;background:${bg};color:#fff;text-decoration:none;border-radius:4px">${e(l.label)}</a>`;
  const actions = [m.ack ? btn(m.ack, color) : '', m.incident ? btn(m.incident, '#455a64') : ''].join('');
  return `<!doctype html><html><body style="font-family:-apple-system,'Microsoft YaHei',sans-serif;font-size:15px;color:#222">
<div style="border-left:6px solid ${color};padding:8px 16px;max-width:640px">
<h2 style="margin:0 0 8px;font-size:18px"><span style="color:${color}">${e(m.levelTag + m.kindTag)}</span>${e(m.title)}</h2>
${post}${lines}${facts}
${actions ? `<p style="margin-top:16px">${actions}</p>` : ''}${m.ack?.validUntil ? `<p style="color:#888;font-size:12px">${e(m.ack.validUntil)}</p>` : ''}
</div></body></html>`;
}

// ---- pieces shared by the two robot-markdown channels (WeCom, DingTalk) ----

/** A markdown link to one of our own URLs (label ours). */
export function markdownLink(l: MessageLink): string { return `[${l.label}](${markdownUrl(l.url)})`; }

/** A fact line in robot markdown, its crawled value neutralised and cut to fit maxBytes. */
export function markdownFact(f: MessageFact, maxBytes: number): string {
  const head = `${f.label}${f.strong ? ` **${f.strong}**` : ''}`;
  if (!f.value) return head;
  return `${head}：${neutralizeMarkdown(truncateUtf8(f.value, Math.max(0, maxBytes - utf8Bytes(head) - 3)))}`;
}

/** The post as one quoted line: > “text” — author · source · 转发 n [原帖 Post](url). */
export function markdownPost(p: NonNullable<MessageParts['post']>): string {
  const by = postByline(p);
  return `> “${neutralizeMarkdown(p.text)}”${by ? ` ${neutralizeMarkdown(by)}` : ''}${p.url ? ` ${markdownLink({ label: LABEL.original, url: p.url })}` : ''}`;
}
