// What the pipeline needs from the text, query, forecast and signal modules, as narrow
// interfaces, and the factory that wires the real implementations.
import type { TopicConfig } from '../config/topics-config.js';

export interface AnalysisLite {
  lang: string;
  normalized: string;
  tokens: string[];
  sentiment: { label: 'negative' | 'neutral' | 'positive'; score: number };
  severity: { score: number; terms: string[]; categories: string[] };
}

export interface PipelineDeps {
  analyze(input: { text?: string | null; title?: string | null }): AnalysisLite;
  normalize(text: string): string;
  matchTopics(doc: { text: string; title?: string; source?: string; authorName?: string; authorId?: string }): string[];
  simhash(normText: string): string;
  hamming(a: string, b: string): number;
  forecast(input: { publishedAt: number; now: number; horizonMs: number; source: string; rootFollowers?: number | null; reposts: { at: number; followers?: number | null }[]; observedCount?: number }): { reposts: number; low: number; high: number };
  newVolumeSeries(): { add(ts: number, weight?: number): void; score(now: number): { windowMin: number; observed: number; expected: number; surprise: number }[] };
  title(docs: string[][], exclude: string[]): string;
  coordinatedShare(posts: { hash: string | null; authorId: string | null; at: number }[]): number;
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
  const matcher = query.createTopicMatcher(topics.filter((t) => t.enabled).map((t) => ({ id: t.id, query: t.query })));
  const userWords = [...new Set([...matcher.terms(), ...topics.flatMap((t) => t.keywords)])].filter((w) => w.length >= 2);
  const analyzer = createTextAnalyzer({ rulesDir, userWords });
  const df = new keyPhrases.DocFreq();
  return {
    analyze: (i) => {
      const a = analyzer.analyze(i);
      df.add(a.tokens);
      return a;
    },
    normalize: norm.normalizeForMatch,
    matchTopics: (doc) => matcher.match(doc),
    simhash: simhash.simhash64,
    hamming: simhash.hamming,
    forecast: (i) => forecast.forecastReposts(i),
    newVolumeSeries: () => new volume.VolumeSeries(),
    title: (docs, exclude) => keyPhrases.incidentTitle(docs, df, { exclude }),
    coordinatedShare: (posts) => {
      const flagged = simhash.detectCoordinatedBurst(posts as never) as unknown;
      const n = Array.isArray(flagged) ? flagged.length : flagged instanceof Set ? flagged.size : 0;
      return posts.length ? Math.min(1, n / posts.length) : 0;
    },
  };
}
