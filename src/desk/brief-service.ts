// The incident brief as the desk serves it (GET /api/v1/incidents/:id/brief): reads the incident's
// posts (its most-shared and its earliest, at most MAX_BRIEF_POSTS), makes the extractive brief
// (incident-brief.ts) and, when an OpenAI-compatible endpoint is configured, has it write the
// summary (llm-brief.ts) from the most representative posts, falling back to the extractive one on
// any failure and saying why. A written brief is kept per incident version (updated_at, post
// count) and language, so the page does not ask the model again until the incident changes; a
// failure is remembered for a minute, and one request at a time asks for the same brief.
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { BriefPostRow } from '../db/store/incidents-store.js';
import type { LlmEnv } from '../config/env.js';
import { NotFoundError } from './errors.js';
import { extractiveBrief, representativePosts, type BriefLang, type BriefPost, type ExtractiveBrief } from './incident-brief.js';
import { LlmBriefError, llmConfigProblem, llmHost, writeLlmBrief } from './llm-brief.js';

/** Posts read for a brief: the most-shared and the earliest, up to this many. */
export const MAX_BRIEF_POSTS = 300;
const CACHE_SIZE = 200;
const FAILURE_TTL_MS = 60_000;

export interface IncidentBrief extends ExtractiveBrief {
  incident: string;
  title: string;
  /** who wrote `summary`: the extractive brief, or the configured language model */
  writer: 'extractive' | 'llm';
  /** the model and the endpoint's host when the model wrote it */
  model: string | null;
  endpoint: string | null;
  /** why a configured model's brief is not shown (timeout, HTTP 500, ...); null otherwise */
  fallback: { reason: string } | null;
  generatedAt: string;
}

export interface BriefServiceOptions {
  /** the endpoint (env.llm); null or undefined: extractive only, nothing is sent anywhere */
  llm?: LlmEnv | null;
  now: () => Date;
  fetchImpl?: typeof fetch;
}

interface Cached { at: number; brief?: { text: string; model: string; endpoint: string }; failure?: string }

export function createBriefService(db: Db, opts: BriefServiceOptions) {
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<Cached>>();
  const incidents = storeOf(db).incidents;

  function posts(id: string): BriefPost[] {
    const out = new Map<string, BriefPost>();
    const add = (rows: BriefPostRow[]) => {
      for (const r of rows) {
        if (out.has(r.key)) continue;
        let terms: string[] = [];
        try { const v = r.severity_terms ? JSON.parse(r.severity_terms) : []; terms = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []; } catch { /* not JSON: none */ }
        out.set(r.key, { key: r.key, title: r.title, text: r.text, publishedAt: r.published_at, reposts: r.reposts, comments: r.comments, likes: r.likes, severityTerms: terms });
      }
    };
    add(incidents.mostSharedPosts(id, Math.ceil(MAX_BRIEF_POSTS * 0.7)));
    add(incidents.earliestPosts(id, Math.floor(MAX_BRIEF_POSTS * 0.3)));
    return [...out.values()];
  }

  async function ask(llm: LlmEnv, key: string, title: string, list: BriefPost[], lang: BriefLang): Promise<Cached> {
    const now = opts.now().getTime();
    const had = cache.get(key);
    if (had && (had.brief || now - had.at < FAILURE_TTL_MS)) return had;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = writeLlmBrief(llm, { title, posts: representativePosts(list), lang }, { fetchImpl: opts.fetchImpl })
        .then((brief): Cached => ({ at: opts.now().getTime(), brief }), (e: unknown): Cached => ({ at: opts.now().getTime(), failure: e instanceof LlmBriefError ? e.reason : 'error' }))
        .then((c) => {
          cache.set(key, c);
          if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
          return c;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    /** The brief of incident `id` in `lang` (NotFoundError when there is no such incident). */
    async brief(id: string, lang: BriefLang): Promise<IncidentBrief> {
      const inc = incidents.briefHead(id);
      if (!inc) throw new NotFoundError(`incident '${id}' not found`);
      const list = posts(id);
      const ex = extractiveBrief(list, lang);
      const base = { ...ex, incident: inc.id, title: inc.title, writer: 'extractive' as const, model: null, endpoint: null, fallback: null, generatedAt: opts.now().toISOString() };
      const llm = opts.llm;
      if (!llm || list.length === 0) return base;
      const problem = llmConfigProblem(llm);
      if (problem) return { ...base, fallback: { reason: problem } };
      const got = await ask(llm, `${inc.id}|${lang}|${inc.updated_at ?? ''}|${inc.post_count ?? list.length}|${llm.model}`, inc.title, list, lang);
      if (!got.brief) return { ...base, fallback: { reason: got.failure ?? 'error' } };
      return { ...base, summary: got.brief.text, writer: 'llm', model: got.brief.model, endpoint: got.brief.endpoint || llmHost(llm) };
    },
  };
}

export type BriefService = ReturnType<typeof createBriefService>;
