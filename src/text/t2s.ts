// Traditional (Hong Kong / Taiwan) -> Simplified conversion with opencc-js's own `hk -> cn`
// dictionaries and algorithm (normalize variants, segment by the phrase dictionary, then two
// longest-match conversion passes per segment), but on plain Maps instead of opencc-js's trie,
// whose construction costs ~8 ms per process. Building these maps from the dictionary strings is
// ~1 ms, which matters to `flarewatch score` (it starts once per file). Output is identical to
// `OpenCC.Converter({from: 'hk', to: 'cn'})` (tests/text/normalize.test.ts checks it); the rare
// texts with ideographic description sequences (U+2FF0..U+2FFF) go to opencc-js itself.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Dict { map: Map<string, string>; maxLen: Map<number, number> }

interface OpenCCModule {
  Converter(o: { from: string; to: string }): (s: string) => string;
  Locale: { configs: Record<string, { normalizationChain: string[][]; segmentation: string[]; conversionChain: string[][] }> };
}

/** One dictionary group: the first dictionary that has a key wins (opencc-js loadDictGroup). */
function group(dicts: string[]): Dict {
  const map = new Map<string, string>();
  const maxLen = new Map<number, number>();
  for (const d of dicts) {
    for (const entry of d.split('|')) {
      const sp = entry.indexOf(' ');
      if (sp <= 0) continue;
      const k = entry.slice(0, sp);
      if (map.has(k)) continue;
      map.set(k, entry.slice(sp + 1));
      const c = k.charCodeAt(0);
      if ((maxLen.get(c) ?? 0) < k.length) maxLen.set(c, k.length);
    }
  }
  return { map, maxLen };
}

/** Longest key of `d` starting at i: its length in code units, 0 when none. */
function match(d: Dict, s: string, i: number): number {
  const max = d.maxLen.get(s.charCodeAt(i));
  if (max === undefined) return 0;
  for (let len = Math.min(max, s.length - i); len > 0; len--) if (d.map.has(s.substr(i, len))) return len;
  return 0;
}

function cpLen(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

function convert(d: Dict, s: string): string {
  let out = '';
  let run = -1;
  for (let i = 0; i < s.length;) {
    const len = match(d, s, i);
    if (len) {
      if (run !== -1) { out += s.slice(run, i); run = -1; }
      out += d.map.get(s.substr(i, len));
      i += len;
    } else {
      if (run === -1) run = i;
      i += cpLen(s, i);
    }
  }
  return run !== -1 ? out + s.slice(run) : out;
}

function segment(d: Dict, s: string): string[] {
  const out: string[] = [];
  let run = -1;
  for (let i = 0; i < s.length;) {
    const len = match(d, s, i);
    if (len) {
      if (run !== -1) { out.push(s.slice(run, i)); run = -1; }
      out.push(s.substr(i, len));
      i += len;
    } else {
      if (run === -1) run = i;
      i += cpLen(s, i);
    }
  }
  if (run !== -1) out.push(s.slice(run));
  return out;
}

let tables: { norm: Dict[]; seg: Dict; chain: Dict[]; opencc: OpenCCModule } | null = null;

function load(): NonNullable<typeof tables> {
  if (!tables) {
    const opencc = require('opencc-js/t2cn') as OpenCCModule;
    const cfg = opencc.Locale.configs.hk2s;
    tables = {
      norm: cfg.normalizationChain.map((g) => group(g)),
      seg: group(cfg.segmentation),
      chain: cfg.conversionChain.map((g) => group(g)),
      opencc,
    };
  }
  return tables;
}

let fallback: ((s: string) => string) | null = null;

/** Traditional -> Simplified exactly as opencc-js `{from: 'hk', to: 'cn'}`. */
export function hkToSimplified(s: string): string {
  const t = load();
  if (/[\u2ff0-\u2fff]/.test(s)) return (fallback ??= t.opencc.Converter({ from: 'hk', to: 'cn' }))(s);
  let x = s;
  for (const d of t.norm) x = convert(d, x);
  const parts = segment(t.seg, x);
  let out = '';
  for (const p of parts) {
    let y = p;
    for (const d of t.chain) y = convert(d, y);
    out += y;
  }
  return out;
}
