// What the pipeline needs from the text, query, forecast and signal modules, as narrow
// interfaces, and the factory that wires the real implementations.
import type { TopicConfig } from '../config/topics-config.js';

export interface AnalysisLite {
  lang: string;
  normalized: string;
  tokens: string[];
  sentiment: { label: 'negative' | 'neutral' | 'positive'; score: number };
  severity: { score: number; terms: string[]; categories: string[] };
  /** headline danger (rules/danger.yaml): score 0..1, benign 0..1, health/official hazards, matched families */
  danger: { score: number; benign: number; health: boolean; official: boolean; hits: { family: string; kind: string; term: string }[] };
  /** normalized user names mentioned or reposted through (excluded from story vocabulary) */
  people: string[];
}

export interface PipelineDeps {
  analyze(input: { text?: string | null; title?: string | null }): AnalysisLite;
  normalize(text: string): string;
  matchTopics(doc: { text: string; title?: string; source?: string; authorName?: string; authorId?: string }): string[];
  simhash(normText: string): string;
  forecast(input: { publishedAt: number; now: number; horizonMs: number; source: string; rootFollowers?: number | null; reposts: { at: number; followers?: number | null }[]; observedCount?: number; snapshots?: { at: number; reposts: number }[] }): { reposts: number; low: number; high: number };
  newVolumeSeries(start: number): { add(ts: number, weight?: number): void; score(now: number): { windowMin: number; observed: number; expected: number; surprise: number }[] };
  title(docs: string[][], exclude: string[]): string;
  /** how rare a token is in everything analysed so far (smoothed idf, >= 1) */
  idf(token: string): number;
  coordinatedShare(posts: { hash: string | null; authorId: string | null; at: number }[]): number;
  virality(input: { snapshots: { at: number; reposts: number; comments: number; likes: number }[]; author: { followers?: number | null }; platform: string; now: number; publishedAt?: number | null; windowMs?: number }): { reachScore: number; reachNormalized: number };
  /** the severity category of one matched term */
  termCategory(term: string): string;
  newHashIndex(): { add(hash: string, item: string): void; near(hash: string, maxDistance?: number): { item: string; hash: string; distance: number }[] };
}

export async function createDefaultDeps(topics: TopicConfig[], rulesDir: string): Promise<PipelineDeps> {
  const [{ createTextAnalyzer }, query, simhash, keyPhrases, forecast, volume, norm] = await Promise.all([
    import('../text/analyze.js'),
    import('../query/index.js'),
    import('../text/simhash.js'),
    import('../text/key-phrases.js'),
    import('../forecast/index.js'),
    import('../signals/volume-baseline.js'),
    import('../text/normalize.js'),
  ]);
  const { viralitySignals } = await import('../signals/virality.js');
  const matcher = query.createTopicMatcher(topics.filter((t) => t.enabled).map((t) => ({ id: t.id, query: t.query })));
  const userWords = [...new Set([...matcher.terms(), ...topics.flatMap((t) => t.keywords)])].filter((w) => w.length >= 2);
  const analyzer = createTextAnalyzer({ rulesDir, userWords });
  const df = new keyPhrases.DocFreq();
  return {
    analyze: (i) => {
      const a = analyzer.analyze(i);
      df.add(a.tokens);
      const people = [...a.mentions, ...a.reposts.map((r) => r.user)].map((n) => norm.normalizeForMatch(n.replace(/^@/, ''))).filter(Boolean);
      return { ...a, people };
    },
    normalize: norm.normalizeForMatch,
    matchTopics: (doc) => matcher.match(doc),
    simhash: simhash.simhash64,
    forecast: (i) => forecast.forecastReposts(i),
    newVolumeSeries: (start) => new volume.VolumeSeries({ start, utcOffsetMinutes: 480 }),
    title: (docs, exclude) => keyPhrases.incidentTitle(docs, df, { exclude }),
    idf: (token) => df.idf(token),
    coordinatedShare: (posts) => {
      const usable = posts.filter((p): p is { hash: string; authorId: string; at: number } => !!p.hash && !!p.authorId);
      if (!posts.length || usable.length < 5) return 0;
      const flagged = new Set<unknown>();
      for (const b of simhash.detectCoordinatedBurst(usable)) for (const p of b.posts) flagged.add(p);
      return Math.min(1, flagged.size / posts.length);
    },
    virality: (i) => viralitySignals(i),
    termCategory: (term) => analyzer.termCategory(term),
    newHashIndex: () => new simhash.SimhashIndex<string>({ maxDistance: 3 }),
  };
}
