// An incident's title: its most representative headline, never a keyword list. Hot-list topics are
// headlines already (the one that reads as the worst trouble, then the hottest, wins); among posts,
// the first sentence that shares the most wording with the other posts' first sentences (what
// the story is about), ties going to the earliest. The watched name leads when the sentence lacks it.
import type { MemberPost } from './incident-state.js';

const MAX = 60;

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  const chars = [...s.replace(/[\p{P}\p{S}\s]/gu, '')];
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

export function storyTitle(members: readonly MemberPost[], name: string, normalize: (s: string) => string): string {
  const withHeadline = members.filter((m) => m.headline);
  if (!withHeadline.length) return '';
  let pick: MemberPost;
  const topics = withHeadline.filter((m) => m.trend?.length);
  if (topics.length) {
    const peakHeat = (m: MemberPost) => Math.max(0, ...(m.trend ?? []).map((x) => x[2]));
    pick = topics.reduce((a, b) => ((b.danger ?? 0) >= 0.5 && (a.danger ?? 0) < 0.5) || (((b.danger ?? 0) >= 0.5) === ((a.danger ?? 0) >= 0.5) && peakHeat(b) > peakHeat(a)) ? b : a);
  } else {
    const nameGrams = bigrams(normalize(name));
    const grams = withHeadline.map((m) => new Set([...bigrams(normalize(m.headline!))].filter((g) => !nameGrams.has(g))));
    let best = 0, bestScore = -1;
    grams.forEach((g, i) => {
      if (g.size < 2) return;
      let score = 0;
      grams.forEach((h, j) => {
        if (i === j) return;
        let shared = 0;
        for (const x of g) if (h.has(x)) shared++;
        score += shared / Math.sqrt(g.size * Math.max(h.size, 1));
      });
      // a sentence that says what went wrong is the better title
      score += (withHeadline[i].severity ?? 0) * 0.5 + Math.max(0, -withHeadline[i].sentiment) * 0.25;
      if (score > bestScore) { bestScore = score; best = i; }
    });
    pick = withHeadline[best];
  }
  const h = pick.headline!;
  const title = normalize(h).includes(normalize(name)) ? h : `${name}：${h}`;
  const chars = [...title];
  return chars.length > MAX ? chars.slice(0, MAX - 1).join('') + '…' : title;
}
