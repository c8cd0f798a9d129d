// The notification (what a receiver is told) and its pure renderings: markdown for WeCom,
// DingTalk and Feishu, plain text, HTML. Chinese labels first, English second. Everything
// crawled is escaped; links are http(s) only; every rendering is sized to a byte budget and cut
// at block boundaries (head and action links always kept), never mid-character.
import { LEVEL_COLOR, LEVEL_NAME, type ForecastValue, type Level } from '../core/alert.js';
import { escapeHtml, escapeMarkdown, fitBlocks, markdownUrl, safeUrl, truncateUtf8, utf8Bytes } from './text-safety.js';

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
}

const KIND_LABEL: Record<NotificationKind, string> = {
  alert: '', repeat: '【重复提醒 Repeat】', resolved: '【已恢复 Resolved】', escalation: '【升级 Escalation】',
  reminder: '【持续跟进 Follow-up】', digest: '【早报 Morning digest】', 'source-health': '【数据源异常 Source health】', test: '【测试 Test】',
};

export function levelTag(level: Level): string { return `【${level} ${LEVEL_NAME[level].zh}】`; }
export function levelColor(level: Level): string { return LEVEL_COLOR[level]; }

/** One-line plain headline, e.g. "【P1 危机】【升级 Escalation】星河乳业 质量投诉". Not escaped. */
export function headline(n: Notification): string {
  return `${levelTag(n.level)}${KIND_LABEL[n.kind]}${n.title.replace(/[\r\n]+/g, ' ')}`;
}

export function emailSubject(n: Notification): string {
  return truncateUtf8(`${levelTag(n.level)}${KIND_LABEL[n.kind]}${n.title.replace(/[\r\n]+/g, ' ')} (${n.level} ${LEVEL_NAME[n.level].en})`, 400);
}

function fmtNum(v: number): string { return Math.round(v).toLocaleString('en-US'); }

export function forecastText(f: ForecastValue | null): string | null {
  if (!f) return null;
  return `${f.horizonHours ?? 24}h 预计转发 / reposts: ${fmtNum(f.reposts)} (80%: ${fmtNum(f.low)}–${fmtNum(f.high)})`;
}

/** The plain fields shown in every format: [zh/en label, value]. Values are raw (escape per format). */
export function fields(n: Notification): [string, string][] {
  const out: [string, string][] = [];
  out.push(['级别 Level', `${n.level} ${LEVEL_NAME[n.level].zh} / ${LEVEL_NAME[n.level].en}${n.state === 'resolved' ? ' · 已恢复 resolved' : ''}`]);
  out.push(['主题 Topic', n.topic]);
  if (n.incident) out.push(['事件 Incident', `${n.incident} · ${n.title}`]);
  if (n.kind !== 'digest' && n.kind !== 'source-health') out.push(['风险 Risk', `${Math.round(n.risk)}/100`]);
  const fc = forecastText(n.forecast);
  if (fc) out.push(['预测 Forecast', fc]);
  return out;
}

function ackNote(n: Notification): string {
  return n.ackExpiresAt ? `(${n.ackExpiresAt.slice(0, 16).replace('T', ' ')}Z 前有效 / valid until)` : '';
}

export type MarkdownDialect = 'wecom' | 'dingtalk' | 'feishu';

function colored(dialect: MarkdownDialect, level: Level, text: string): string {
  if (dialect === 'wecom') return `<font color="${level === 'P1' || level === 'P2' ? 'warning' : level === 'P3' ? 'comment' : 'info'}">${text}</font>`;
  if (dialect === 'dingtalk') return `<font color="${LEVEL_COLOR[level]}">${text}</font>`;
  const c = level === 'P1' ? 'red' : level === 'P2' ? 'orange' : level === 'P3' ? 'yellow' : 'blue';
  return `<font color='${c}'>${text}</font>`;
}

function mdLink(text: string, url: string | null): string {
  const u = safeUrl(url);
  return u ? `[${text}](${markdownUrl(u)})` : text;
}

/** Markdown rendering within maxBytes. Head and links are always kept; posts and lines are cut first. */
export function renderMarkdown(n: Notification, dialect: MarkdownDialect, maxBytes: number): string {
  const head: string[] = [];
  if (dialect !== 'feishu') head.push(`### ${colored(dialect, n.level, escapeMarkdown(headline(n)))}`);
  for (const [k, v] of fields(n)) head.push(`**${k}:** ${escapeMarkdown(v)}`);
  const body: string[] = [];
  if (n.reasons.length) {
    body.push('**原因 Reasons:**');
    for (const r of n.reasons) body.push(`- ${escapeMarkdown(truncateUtf8(r, 300))}`);
  }
  if (n.posts.length) {
    body.push(`**热帖 Top posts** (${n.postCount}):`);
    n.posts.forEach((p, i) => {
      const text = escapeMarkdown(truncateUtf8(p.text.replace(/\s+/g, ' ').trim() || p.key, 160));
      const who = p.author ? ` — ${escapeMarkdown(truncateUtf8(p.author, 40))}` : '';
      const rp = p.reposts != null ? ` (转发 ${fmtNum(p.reposts)})` : '';
      body.push(`${i + 1}. ${mdLink(text, p.url)}${who}${rp}`);
    });
  }
  for (const l of n.lines) body.push(`- ${escapeMarkdown(truncateUtf8(l, 400))}`);
  if (n.others.length) {
    body.push('**同组其他 Also grouped:**');
    for (const o of n.others) body.push(`- ${o.level} ${escapeMarkdown(truncateUtf8(o.title, 120))}${o.state === 'resolved' ? ' (已恢复 resolved)' : ''}`);
  }
  const links: string[] = [];
  const dash = safeUrl(n.dashboardUrl);
  if (dash) links.push(`[查看看板 Dashboard](${markdownUrl(dash)})`);
  const ack = safeUrl(n.ackUrl);
  if (ack) links.push(`[一键确认 Acknowledge](${markdownUrl(ack)}) ${ackNote(n)}`);
  const tail = links.length ? [links.join(' · ')] : [];
  const sep = dialect === 'dingtalk' ? '\n\n' : '\n';
  const tailText = tail.join(sep);
  const reserve = tailText ? utf8Bytes(tailText) + utf8Bytes(sep) : 0;
  const headText = truncateUtf8(head.join(sep), Math.max(0, Math.floor((maxBytes - reserve) * 0.6)));
  const rest = maxBytes - reserve - utf8Bytes(headText) - utf8Bytes(sep);
  const bodyText = body.length && rest > 0 ? fitBlocks(body, rest, sep) : '';
  return [headText, bodyText, tailText].filter(Boolean).join(sep);
}

/** Plain text (email text part, Slack fallback, test output). */
export function renderText(n: Notification, maxBytes = 100_000): string {
  const lines = [headline(n), ''];
  for (const [k, v] of fields(n)) lines.push(`${k}: ${v}`);
  if (n.reasons.length) { lines.push('', '原因 Reasons:'); for (const r of n.reasons) lines.push(`  - ${r}`); }
  if (n.posts.length) {
    lines.push('', `热帖 Top posts (${n.postCount}):`);
    n.posts.forEach((p, i) => lines.push(`  ${i + 1}. ${truncateUtf8(p.text.replace(/\s+/g, ' ').trim() || p.key, 200)}${p.author ? ` — ${p.author}` : ''}${safeUrl(p.url) ? `\n     ${safeUrl(p.url)}` : ''}`));
  }
  if (n.lines.length) { lines.push(''); for (const l of n.lines) lines.push(`  - ${l}`); }
  if (n.others.length) { lines.push('', '同组其他 Also grouped:'); for (const o of n.others) lines.push(`  - ${o.level} ${o.title}`); }
  const tail: string[] = [''];
  if (safeUrl(n.dashboardUrl)) tail.push(`查看看板 Dashboard: ${safeUrl(n.dashboardUrl)}`);
  if (safeUrl(n.ackUrl)) tail.push(`一键确认 Acknowledge: ${safeUrl(n.ackUrl)} ${ackNote(n)}`);
  const tailText = tail.join('\n');
  return truncateUtf8(lines.join('\n'), maxBytes - utf8Bytes(tailText)) + tailText;
}

/** HTML email body (inline styles only; every crawled string escaped). */
export function renderHtml(n: Notification): string {
  const color = LEVEL_COLOR[n.level];
  const rows = fields(n).map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555;white-space:nowrap">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const reasons = n.reasons.length ? `<h3 style="margin:16px 0 4px">原因 Reasons</h3><ul>${n.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>` : '';
  const posts = n.posts.length ? `<h3 style="margin:16px 0 4px">热帖 Top posts (${n.postCount})</h3><ol>${n.posts.map((p) => {
    const t = escapeHtml(truncateUtf8(p.text.replace(/\s+/g, ' ').trim() || p.key, 300));
    const u = safeUrl(p.url);
    return `<li>${u ? `<a href="${escapeHtml(u)}">${t}</a>` : t}${p.author ? ` — ${escapeHtml(p.author)}` : ''}</li>`;
  }).join('')}</ol>` : '';
  const extra = n.lines.length ? `<ul>${n.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '';
  const others = n.others.length ? `<h3 style="margin:16px 0 4px">同组其他 Also grouped</h3><ul>${n.others.map((o) => `<li>${escapeHtml(`${o.level} ${o.title}`)}</li>`).join('')}</ul>` : '';
  const btn = (href: string, label: string, bg: string) => `<a href="${escapeHtml(href)}" style="display:inline-block;padding:8px 16px;margin-right:8px;background:${bg};color:#fff;text-decoration:none;border-radius:4px">${label}</a>`;
  const dash = safeUrl(n.dashboardUrl);
  const ack = safeUrl(n.ackUrl);
  const actions = [ack ? btn(ack, '一键确认 Acknowledge', color) : '', dash ? btn(dash, '查看看板 Dashboard', '#455a64') : ''].join('');
  return `<!doctype html><html><body style="font-family:-apple-system,'Microsoft YaHei',sans-serif;font-size:14px;color:#222">
<div style="border-left:6px solid ${color};padding:8px 16px">
<h2 style="margin:0 0 8px;color:${color}">${escapeHtml(headline(n))}</h2>
<table style="border-collapse:collapse">${rows}</table>${reasons}${posts}${extra}${others}
<p style="margin-top:16px">${actions}</p>${ack ? `<p style="color:#888;font-size:12px">${escapeHtml(ackNote(n))}</p>` : ''}
</div></body></html>`;
}
