// The alert record (contracts.md §3) as the pipeline emits it, plus the fields the alerting stage
// routes on. `AlertRecord` serialises to exactly the contract shape via `toContractAlert`.

export type Level = 'P1' | 'P2' | 'P3' | 'P4';
export const LEVELS: readonly Level[] = ['P1', 'P2', 'P3', 'P4'];
export const LEVEL_RANK: Record<Level, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };
export const LEVEL_COLOR: Record<Level, string> = { P1: '#d32f2f', P2: '#f57c00', P3: '#fbc02d', P4: '#1976d2' };
export const LEVEL_NAME: Record<Level, { zh: string; en: string }> = {
  P1: { zh: '危机', en: 'crisis' },
  P2: { zh: '高危', en: 'high' },
  P3: { zh: '关注', en: 'watch' },
  P4: { zh: '提示', en: 'notice' },
};

/**
 * `early` (src/pipeline/forecast-bounds.ts): the post is too young or seen too few times for the
 * number to be believed; what is known so far (reposts, the post's age in minutes). Not part of
 * the contract alert (toContractAlert leaves it out); messages say "too early" instead of a number.
 */
export interface ForecastValue { reposts: number; low: number; high: number; horizonHours?: number; early?: { reposts: number; minutes: number } }

export interface AlertRecord {
  /** database id once stored */
  id?: number;
  at: string;
  topic: string;
  incident: string | null;
  level: Level;
  state: 'firing' | 'resolved';
  risk: number;
  title: string;
  reasons: string[];
  /** source:id of the posts in the incident */
  posts: string[];
  forecast: ForecastValue | null;
  /** extensions used by routing */
  categories?: string[];
  sources?: string[];
  kind?: 'incident' | 'source-health' | 'reminder' | 'digest' | 'escalation';
}

export function toContractAlert(a: AlertRecord): Record<string, unknown> {
  return {
    at: a.at, topic: a.topic, incident: a.incident, level: a.level, state: a.state, risk: Math.round(a.risk),
    title: a.title, reasons: a.reasons, posts: a.posts,
    forecast: a.forecast ? { reposts: a.forecast.reposts, low: a.forecast.low, high: a.forecast.high } : null,
    categories: a.categories ?? [], sources: a.sources ?? [],
  };
}
