// The report's content as plain data (what `buildReport` returns, what every renderer reads, and
// exactly what `--format json` writes). Times are ISO 8601 UTC strings; renderers show them in
// `zone`.
import type { Level } from '../core/alert.js';
import type { ReportLang } from './i18n.js';

export type SentimentKey = 'negative' | 'neutral' | 'positive' | 'unknown';
export const SENTIMENT_KEYS: readonly SentimentKey[] = ['negative', 'neutral', 'positive', 'unknown'];

export interface PeriodInfo { start: string; end: string; label: string }

/**
 * How the period was chosen: given (--from/--to), or by default when neither was given: the last 7
 * days ending now, all of the data when the database holds less than 7 days, the 7 days up to the
 * newest data when nothing arrived in the last 7 days, or the last 7 days of an empty database.
 */
export type PeriodBasis = 'requested' | 'last-7-days' | 'data-span' | 'latest-7-days' | 'no-data';

export interface PeriodKpis {
  /** posts matching the watch topics (or the chosen topic) */
  volume: number;
  /** every post collected in the period, matched or not */
  collected: number;
  negative: number;
  /** negative / posts with a sentiment, 0..1; null when none was analysed */
  negativeShare: number | null;
  incidents: number;
  incidentsByLevel: Record<Level, number>;
  alerts: number;
  medianTtaSeconds: number | null;
  medianTtrSeconds: number | null;
}

export interface TopicInfo { id: string; name: string; query: string }

export interface TimelineEvent {
  at: string;
  event: 'first-post' | 'alert' | 'resolved' | 'acknowledged' | 'closed';
  level?: Level | null;
  risk?: number;
}

export interface IncidentRow {
  id: string;
  topic: string;
  title: string;
  kind: string;
  openedAt: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  /** desk status: new | acknowledged | responding | resolved | false_alarm */
  status: string;
  /** pipeline state: quiet | pending | firing | resolved */
  state: string;
  owner: string | null;
  peakLevel: Level | null;
  peakRisk: number;
  postCount: number;
  sources: string[];
  reasons: string[];
  ttaSeconds: number | null;
  ttrSeconds: number | null;
  timeline: TimelineEvent[];
  /** cumulative posts of the incident over time */
  spread: { at: string; posts: number }[];
  /** the incident's risk over time */
  riskPoints: { at: string; risk: number }[];
}

export interface AlertRow {
  at: string; topic: string; incident: string | null; level: Level; state: string; risk: number;
  title: string; reasons: string[]; posts: number; kind: string;
}

export interface PostRow {
  key: string;
  source: string;
  id: string;
  kind: string;
  url: string | null;
  author: string | null;
  authorId: string | null;
  followers: number | null;
  verified: boolean;
  title: string | null;
  text: string;
  publishedAt: string;
  reposts: number;
  comments: number;
  likes: number;
  engagement: number;
  sentiment: SentimentKey;
  sentimentScore: number | null;
  severity: number;
  topics: string[];
  incident: string | null;
}

export interface AuthorRow {
  source: string; id: string; name: string | null; followers: number | null; verified: boolean;
  posts: number; negativePosts: number; engagement: number;
  /** engagement received in the period + followers / 100 */
  influence: number;
  topPostUrl: string | null;
}

export interface KeywordRow { term: string; count: number; previous: number; growth: number | null }

export interface SourceHealthRow {
  id: string; adapter: string; url: string; enabled: boolean; healthy: boolean; blocked: boolean;
  lastSuccessAt: string | null; lastError: string | null; errorStreak: number;
  errorsInPeriod: number; itemsInPeriod: number;
}

export interface PlatformRow { source: string; posts: number; lastSeenAt: string | null }

export interface SeriesChart {
  /** bucket start times */
  buckets: string[];
  bucketMs: number;
}

export interface ReportData {
  version: 1;
  lang: ReportLang;
  zone: string;
  generatedAt: string;
  topicFilter: string | null;
  topics: TopicInfo[];
  /** the report's title, named after the period: 舆情日报/周报/月报 or 舆情报告 with the range */
  title: string;
  period: PeriodInfo & { kind: 'daily' | 'weekly' | 'monthly' | 'custom'; basis: PeriodBasis };
  previous: PeriodInfo;
  summary: { current: PeriodKpis; previous: PeriodKpis };
  riskTrend: SeriesChart & { series: { topic: string; name: string; values: (number | null)[] }[] };
  volumeTrend: SeriesChart & Record<SentimentKey, number[]>;
  volumeBySource: ({ source: string; total: number; previous: number } & Record<SentimentKey, number>)[];
  incidents: IncidentRow[];
  alerts: AlertRow[];
  topNegative: PostRow[];
  authors: AuthorRow[];
  risingKeywords: KeywordRow[];
  sourceHealth: { configured: SourceHealthRow[]; platforms: PlatformRow[] };
  /** the period's posts in scope, newest first (capped; see postsTruncated) */
  posts: PostRow[];
  postsTruncated: boolean;
}
