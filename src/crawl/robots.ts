// robots.txt: parse the groups, pick the one for our User-Agent token (longest match, else '*'),
// and decide allow/disallow by the longest matching rule (Allow wins ties), with * and $ patterns
// as in RFC 9309. Also reads Crawl-delay, which the host limiter honours.

export interface RobotsRules { allows(pathAndQuery: string): boolean; crawlDelayMs: number | null }

interface Rule { allow: boolean; pattern: string; re: RegExp }
interface Group { agents: string[]; rules: Rule[]; crawlDelay: number | null }

function toRegExp(p: string): RegExp {
  const anchored = p.endsWith('$');
  const body = (anchored ? p.slice(0, -1) : p).split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp('^' + body + (anchored ? '$' : ''));
}

export function parseRobots(text: string, userAgent: string): RobotsRules {
  const groups: Group[] = [];
  let cur: Group | null = null;
  let lastWasAgent = false;
  for (const rawLine of text.split(/\r?\n|\r/)) {
    const line = rawLine.replace(/#.*/, '').trim();
    const m = /^([\w-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase(), value = m[2].trim();
    if (key === 'user-agent') {
      if (!cur || !lastWasAgent) { cur = { agents: [], rules: [], crawlDelay: null }; groups.push(cur); }
      cur.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!cur) continue;
    if ((key === 'allow' || key === 'disallow') && value) {
      let p = value;
      try { p = decodeURI(value); } catch { /* keep raw */ }
      cur.rules.push({ allow: key === 'allow', pattern: p, re: toRegExp(p) });
    } else if (key === 'crawl-delay' && /^\d+(\.\d+)?$/.test(value)) cur.crawlDelay = Number(value);
  }
  const token = userAgent.toLowerCase().split(/[\s/;(]/)[0];
  let best: Group | null = null, bestLen = -1;
  for (const g of groups) for (const a of g.agents) {
    if (a !== '*' && token.startsWith(a) && a.length > bestLen) { best = g; bestLen = a.length; }
  }
  if (!best) best = groups.find((g) => g.agents.includes('*')) ?? null;
  const rules = best?.rules ?? [];
  return {
    crawlDelayMs: best?.crawlDelay != null ? best.crawlDelay * 1000 : null,
    allows(path: string): boolean {
      let decoded = path;
      try { decoded = decodeURI(path); } catch { /* keep raw */ }
      let verdict: Rule | null = null;
      for (const r of rules) {
        if (!r.re.test(decoded)) continue;
        if (!verdict || r.pattern.length > verdict.pattern.length || (r.pattern.length === verdict.pattern.length && r.allow)) verdict = r;
      }
      return verdict ? verdict.allow : true;
    },
  };
}

export const ALLOW_ALL: RobotsRules = { allows: () => true, crawlDelayMs: null };
