// Report wording in the supported languages (zh-CN default, en): section headings, column names,
// KPI names and labels. Every renderer takes its words from here.
import { UserError } from '../core/errors.js';

export const REPORT_LANGS = ['zh-CN', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const zh = {
  /** the report's name by period kind (date-range.ts periodKind) */
  titles: { daily: '舆情日报', weekly: '舆情周报', monthly: '舆情月报', custom: '舆情报告' } as Record<string, string>,
  /** how the period was chosen when --from/--to were not given (build-report.ts defaultReportPeriod) */
  basisNotes: {
    'last-7-days': '未指定时段，默认为最近 7 天（截至生成时间）。',
    'data-span': '未指定时段；数据库中的数据不足 7 天，报告覆盖全部数据（自最早一条起，截至生成时间）。',
    'latest-7-days': '未指定时段；最近 7 天没有新数据，报告覆盖最新一条数据之前的 7 天。',
    'no-data': '未指定时段，默认为最近 7 天；数据库中还没有数据。',
  } as Record<string, string>,
  periodChoice: '时段说明',
  reportFor: '监测主题',
  period: '报告期',
  previous: '对比上期',
  generatedAt: '生成时间',
  allTopics: '全部主题',
  summary: '摘要与关键指标',
  riskTrend: '风险趋势',
  volumeBySentiment: '声量与情感走势',
  volumeBySource: '各来源声量',
  incidents: '事件列表',
  topNegative: '负面热帖',
  influentialAuthors: '影响力作者',
  risingKeywords: '上升关键词',
  sourceHealth: '数据源健康',
  alerts: '告警记录',
  posts: '帖子明细',
  kpi: '指标', current: '本期', prev: '上期', change: '变化',
  volume: '声量（帖子数）', collected: '采集总量', negativeShare: '负面占比', incidentsTotal: '事件数',
  incidentsLevel: '事件数', medianTta: '响应时长中位数（确认）', medianTtr: '处置时长中位数（解决）',
  alertsTotal: '告警数',
  negative: '负面', neutral: '中性', positive: '正面', unknown: '未分析',
  id: '编号', titleCol: '标题', topic: '主题', level: '最高级别', peakRisk: '峰值风险', opened: '开始时间',
  status: '状态', owner: '负责人', tta: '确认用时', ttr: '解决用时', postCount: '帖子数', sources: '来源',
  // short headers of the printed incident table (the PDF has less width)
  levelShort: '级别', riskShort: '风险', postsShort: '帖子', durations: '确认 / 解决',
  timeline: '传播时间线', outcome: '结果',
  at: '时间', source: '来源', author: '作者', followers: '粉丝数', text: '内容', link: '链接',
  reposts: '转发', comments: '评论', likes: '点赞', engagement: '互动量', sentiment: '情感', sentimentScore: '情感分',
  severity: '严重度', incident: '事件', kind: '类型', published: '发布时间', url: '链接',
  authorPosts: '帖子数', negativePosts: '负面帖数', verified: '认证',
  newTerm: '新出现', keyword: '关键词', countNow: '本期提及', countPrev: '上期提及', growth: '增长',
  adapter: '适配器', healthy: '状态', lastSuccess: '最近成功', errors: '错误次数', items: '采集条数', lastError: '最近错误',
  lastSeen: '最近数据', ok: '正常', failing: '异常', blocked: '被封禁',
  state: '状态', risk: '风险', reasons: '原因',
  noData: '本期无数据', none: '无', openStatus: '进行中', levelNone: '未告警',
  riskAxis: '风险 (0-100)', postsAxis: '帖子数',
  statusNames: { new: '未处理', acknowledged: '已确认', responding: '处置中', resolved: '已解决', false_alarm: '误报' } as Record<string, string>,
  sourcesNote: '未配置采集源（回放或导入数据）；下表为各平台本期数据。',
  linkText: '原文',
  firstPost: '首帖', firstAlert: '首次告警', resolvedAt: '解除', closedAt: '关闭',
  page: '第', of: '页，共', pageSuffix: '页',
};

export type Words = typeof zh;

const en: Words = {
  titles: { daily: 'Daily media monitoring report', weekly: 'Weekly media monitoring report', monthly: 'Monthly media monitoring report', custom: 'Media monitoring report' },
  basisNotes: {
    'last-7-days': 'No period was given: the last 7 days up to the time of generation.',
    'data-span': 'No period was given; the database holds less than 7 days of data, so the report covers all of it (from the first item up to the time of generation).',
    'latest-7-days': 'No period was given; nothing arrived in the last 7 days, so the report covers the 7 days up to the newest item.',
    'no-data': 'No period was given: the last 7 days; the database holds no data yet.',
  },
  periodChoice: 'About the period',
  reportFor: 'Topics',
  period: 'Period',
  previous: 'Compared with',
  generatedAt: 'Generated',
  allTopics: 'all topics',
  summary: 'Summary and KPIs',
  riskTrend: 'Risk trend',
  volumeBySentiment: 'Volume and sentiment',
  volumeBySource: 'Volume by source',
  incidents: 'Incidents',
  topNegative: 'Top negative posts',
  influentialAuthors: 'Most influential authors',
  risingKeywords: 'Rising keywords',
  sourceHealth: 'Source health',
  alerts: 'Alerts',
  posts: 'Posts',
  kpi: 'KPI', current: 'This period', prev: 'Previous', change: 'Change',
  volume: 'Volume (posts)', collected: 'Collected (all)', negativeShare: 'Negative share', incidentsTotal: 'Incidents',
  incidentsLevel: 'Incidents', medianTta: 'Median time to acknowledge', medianTtr: 'Median time to resolve',
  alertsTotal: 'Alerts',
  negative: 'negative', neutral: 'neutral', positive: 'positive', unknown: 'not analysed',
  id: 'ID', titleCol: 'Title', topic: 'Topic', level: 'Peak level', peakRisk: 'Peak risk', opened: 'Opened',
  status: 'Status', owner: 'Owner', tta: 'To acknowledge', ttr: 'To resolve', postCount: 'Posts', sources: 'Sources',
  levelShort: 'Level', riskShort: 'Risk', postsShort: 'Posts', durations: 'Ack / resolve',
  timeline: 'Spread timeline', outcome: 'Outcome',
  at: 'Time', source: 'Source', author: 'Author', followers: 'Followers', text: 'Text', link: 'Link',
  reposts: 'Reposts', comments: 'Comments', likes: 'Likes', engagement: 'Engagement', sentiment: 'Sentiment', sentimentScore: 'Sentiment score',
  severity: 'Severity', incident: 'Incident', kind: 'Kind', published: 'Published', url: 'URL',
  authorPosts: 'Posts', negativePosts: 'Negative posts', verified: 'Verified',
  newTerm: 'new', keyword: 'Keyword', countNow: 'Mentions', countPrev: 'Previous', growth: 'Growth',
  adapter: 'Adapter', healthy: 'State', lastSuccess: 'Last success', errors: 'Errors', items: 'Items', lastError: 'Last error',
  lastSeen: 'Latest data', ok: 'ok', failing: 'failing', blocked: 'blocked',
  state: 'State', risk: 'Risk', reasons: 'Reasons',
  noData: 'No data in this period', none: 'none', openStatus: 'open', levelNone: 'no alert',
  riskAxis: 'Risk (0-100)', postsAxis: 'Posts',
  statusNames: { new: 'new', acknowledged: 'acknowledged', responding: 'responding', resolved: 'resolved', false_alarm: 'false alarm' },
  sourcesNote: 'No crawl sources configured (replayed or imported data); platforms seen in this period below.',
  linkText: 'open',
  firstPost: 'first post', firstAlert: 'first alert', resolvedAt: 'resolved', closedAt: 'closed',
  page: 'Page', of: 'of', pageSuffix: '',
};

const WORDS: Record<ReportLang, Words> = { 'zh-CN': zh, en };

export function parseLang(v: string | undefined): ReportLang {
  if (v === undefined || v === '') return 'zh-CN';
  const found = REPORT_LANGS.find((l) => l.toLowerCase() === v.toLowerCase() || (l === 'zh-CN' && /^zh/i.test(v)));
  if (!found) throw new UserError(`unknown report language '${v}'`, `use one of: ${REPORT_LANGS.join(', ')}`);
  return found;
}

export function words(lang: ReportLang): Words {
  return WORDS[lang];
}

/** A duration in seconds as `3 h 20 min` / `3小时20分`. */
export function formatDuration(seconds: number | null, lang: ReportLang): string {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  const mins = Math.round(seconds / 60);
  const d = Math.floor(mins / 1440), h = Math.floor((mins % 1440) / 60), m = mins % 60;
  if (lang === 'zh-CN') return `${d ? `${d}天` : ''}${h ? `${h}小时` : ''}${m || (!d && !h) ? `${m}分` : ''}`;
  return [d ? `${d} d` : '', h ? `${h} h` : '', m || (!d && !h) ? `${m} min` : ''].filter(Boolean).join(' ');
}

/** The report's title: its kind (日报/周报/月报/报告) and range, e.g. `舆情周报（2026-03-02 – 2026-03-08）`, `Monthly media monitoring report, March 2026`. */
export function reportTitle(lang: ReportLang, kind: string, range: string): string {
  const w = words(lang);
  const name = w.titles[kind] ?? w.titles.custom;
  const month = kind === 'monthly' ? /^(\d{4})-(\d{2})$/.exec(range) : null;
  if (lang === 'zh-CN') return `${name}（${month ? `${month[1]}年${Number(month[2])}月` : range}）`;
  const en = month ? `${new Date(Date.UTC(Number(month[1]), Number(month[2]) - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${month[1]}` : range;
  return `${name}, ${en}`;
}
