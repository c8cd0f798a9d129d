// Scratch benchmark (not a test): createTopicMatcher with 200 topics over 100k short documents,
// compared with matching every compiled query on its own. Real review/Weibo texts from
// ../shared/data/sentiment when present (brand names spliced into ~5%), synthetic text otherwise.
// Run: cd /work/main && npx tsx tests/query/bench-topic-matcher.ts
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { compileQuery, createTopicMatcher, type MatchDoc } from '../../src/query/index.js';
import { normalizeForMatch } from '../../src/text/normalize.js';

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const HAN = '星河乳业云帆快递天地人和山水风雨雪花月光明亮金银铜铁华夏中国新旧东南西北大小多少美好安全健康';
const word = (n: number) => Array.from({ length: n }, () => pick([...HAN])).join('');
const latin = () => Array.from({ length: 5 + Math.floor(rnd() * 4) }, () => pick([...'abcdefghijklmnopqrstuvwxyz'])).join('');

const brands: string[] = [];
const topics = Array.from({ length: 200 }, (_, i) => {
  const names = [word(4), word(4), `"${latin()} ${latin()}"`];
  brands.push(...names.map((n) => n.replace(/"/g, '')));
  const base = names.join(' OR ');
  const variants = [base, `(${base}) -广告`, `(${base}) (召回 OR 投诉 OR 异物)`, `(${names[0]} OR ${names[1]}) NEAR/10 (质量 OR 问题)`, `source:weibo (${base})`, `title:${names[0]} OR ${names[1]}`];
  return { id: `topic-${i}`, query: variants[i % variants.length] };
});

const SHARED = new URL('../../../shared/data/sentiment/', import.meta.url).pathname;
let corpus: string[] = [];
if (existsSync(SHARED))
  for (const f of readdirSync(SHARED).filter((f) => f.startsWith('zh-')))
    for (const line of readFileSync(SHARED + f, 'utf8').split('\n'))
      if (line.trim()) corpus.push((JSON.parse(line) as { text: string }).text.slice(0, 140));
if (corpus.length === 0) corpus = Array.from({ length: 5000 }, () => word(60));

const N = 100_000;
const raw = Array.from({ length: N }, (_, i) => {
  let t = corpus[i % corpus.length];
  if (rnd() < 0.05) { const at = Math.floor(rnd() * t.length); t = t.slice(0, at) + pick(brands) + t.slice(at); }
  return t;
});
let t0 = performance.now();
const docs: MatchDoc[] = raw.map((t) => ({ text: normalizeForMatch(t), source: rnd() < 0.5 ? 'weibo' : 'tieba' }));
const normMs = performance.now() - t0;
const avgLen = docs.reduce((s, d) => s + d.text.length, 0) / N;

t0 = performance.now();
const tm = createTopicMatcher(topics);
const buildMs = performance.now() - t0;
for (let i = 0; i < 2000; i++) tm.match(docs[i]); // warm-up
t0 = performance.now();
let hits = 0;
for (const d of docs) hits += tm.match(d).length;
const acMs = performance.now() - t0;

const compiled = topics.map((t) => ({ id: t.id, q: compileQuery(t.query) }));
const M = 10_000;
t0 = performance.now();
let naiveHits = 0;
for (let i = 0; i < M; i++) for (const c of compiled) if (c.q.matches(docs[i])) naiveHits++;
const naiveMs = performance.now() - t0;

console.log(`corpus: ${corpus.length} base texts (${existsSync(SHARED) ? 'shared/data sentiment' : 'synthetic'}), ${N} docs, avg ${avgLen.toFixed(0)} chars`);
console.log(`normalizeForMatch (not counted): ${(N / (normMs / 1000)).toFixed(0)} docs/s`);
console.log(`createTopicMatcher(200 topics, ${tm.terms().length} positive terms): build ${buildMs.toFixed(1)} ms`);
console.log(`topic matcher: ${acMs.toFixed(0)} ms for ${N} docs = ${(N / (acMs / 1000)).toFixed(0)} docs/s, ${hits} topic hits`);
console.log(`200 queries matched one by one: ${(M / (naiveMs / 1000)).toFixed(0)} docs/s (${naiveHits} hits in first ${M})`);
