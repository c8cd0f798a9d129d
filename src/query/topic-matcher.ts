// createTopicMatcher: many watch topics matched against a document in one pass. All text terms
// of all topics go into one Aho-Corasick automaton; a document's title and text are scanned once,
// then only the topics with at least one term present (plus those satisfiable without any text
// term, such as `-召回` or `source:weibo`) are evaluated.
import { collectTerms, isTextTerm, satisfiableWithoutText } from './ast.js';
import { AhoCorasick } from './aho-corasick.js';
import { compileQuery, type CompiledQuery } from './compile.js';
import { QuerySyntaxError } from './errors.js';
import { DocContext, TEXT_BASE, evaluate, type MatchDoc, type TermLookup } from './evaluate.js';

export interface TopicMatcher {
  /** ids of the topics whose query matches, in the order the topics were given */
  match(doc: MatchDoc): string[];
  /** all positive text terms of all topics (normalized, unique): for the jieba user dictionary */
  terms(): string[];
}

interface Entry { id: string; order: number; query: CompiledQuery }

const NONE: readonly number[] = [];

/** Occurrences from one scan, keyed by pattern id. */
class ScanLookup implements TermLookup {
  constructor(private readonly ids: Map<string, number>, private readonly occ: Map<number, number[]>) {}
  positions(value: string): readonly number[] {
    const id = this.ids.get(value);
    return (id !== undefined && this.occ.get(id)) || NONE;
  }
  has(value: string, titleOnly: boolean): boolean {
    const ps = this.positions(value);
    return ps.length > 0 && (!titleOnly || ps[0] < TEXT_BASE);
  }
}

/**
 * Builds the matcher. Throws QuerySyntaxError (with `topicId` set) for the first invalid query,
 * and a RangeError for a duplicate topic id.
 */
export function createTopicMatcher(topics: readonly { id: string; query: string }[]): TopicMatcher {
  const entries: Entry[] = [];
  const seenIds = new Set<string>();
  for (const [order, t] of topics.entries()) {
    if (seenIds.has(t.id)) throw new RangeError(`duplicate topic id '${t.id}'`);
    seenIds.add(t.id);
    try {
      entries.push({ id: t.id, order, query: compileQuery(t.query) });
    } catch (e) {
      if (e instanceof QuerySyntaxError) e.topicId = t.id;
      throw e;
    }
  }

  const patternIds = new Map<string, number>();
  const patterns: string[] = [];
  /** pattern id -> entries that mention it */
  const byPattern: Entry[][] = [];
  const always: Entry[] = [];
  const allPositive = new Set<string>();
  for (const e of entries) {
    for (const { term } of collectTerms(e.query.ast)) {
      if (!isTextTerm(term)) continue;
      let pid = patternIds.get(term.value);
      if (pid === undefined) {
        pid = patterns.length;
        patternIds.set(term.value, pid);
        patterns.push(term.value);
        byPattern.push([]);
      }
      const list = byPattern[pid];
      if (list[list.length - 1] !== e) list.push(e);
    }
    for (const t of e.query.terms) allPositive.add(t);
    if (satisfiableWithoutText(e.query.ast)) always.push(e);
  }
  const ac = new AhoCorasick(patterns);

  return {
    terms: () => [...allPositive],
    match(doc: MatchDoc): string[] {
      const occ = new Map<number, number[]>();
      const emit = (pid: number, start: number) => {
        const list = occ.get(pid);
        if (list) list.push(start);
        else occ.set(pid, [start]);
      };
      if (doc.title) ac.scan(doc.title, 0, emit);
      if (doc.text) ac.scan(doc.text, TEXT_BASE, emit);
      if (occ.size === 0 && always.length === 0) return [];

      const candidates = new Set<Entry>(always);
      for (const pid of occ.keys()) for (const e of byPattern[pid]) candidates.add(e);
      const ctx = new DocContext(doc, new ScanLookup(patternIds, occ));
      const hits: Entry[] = [];
      for (const e of candidates) if (evaluate(e.query.ast, ctx)) hits.push(e);
      if (hits.length > 1) hits.sort((a, b) => a.order - b.order);
      return hits.map((e) => e.id);
    },
  };
}
