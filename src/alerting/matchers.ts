// Labels and matchers, shared by routing, inhibition and silences. An alert's labels are
// multi-valued (an incident spans several sources and categories); a matcher holds when any value
// matches, and a label the alert lacks compares as the empty string (as in Alertmanager).
// Regexes are anchored: `brand-.*` must match the whole value.
import type { AlertRecord } from '../core/alert.js';
import type { Matcher } from '../config/alerting-config.js';

export type Labels = Record<string, string[]>;

export function alertLabels(a: AlertRecord): Labels {
  return {
    topic: [a.topic],
    level: [a.level],
    source: a.sources ?? [...new Set(a.posts.map((p) => p.split(':')[0]))],
    category: a.categories ?? [],
    incident: a.incident ? [a.incident] : [],
    kind: [a.kind ?? 'incident'],
    state: [a.state],
  };
}

const reCache = new Map<string, RegExp | null>();
function anchored(src: string): RegExp | null {
  let re = reCache.get(src);
  if (re === undefined) {
    try { re = new RegExp(`^(?:${src})$`); } catch { re = null; }
    if (reCache.size > 1000) reCache.clear();
    reCache.set(src, re);
  }
  return re;
}

export function matcherMatches(m: Matcher, labels: Labels): boolean {
  const values = labels[m.name]?.length ? labels[m.name] : [''];
  let hit: boolean;
  if (m.isRegex) {
    const re = anchored(m.value);
    hit = re ? values.some((v) => re.test(v)) : false;
  } else hit = values.includes(m.value);
  return m.isEqual ? hit : !hit;
}

export function allMatch(ms: Matcher[], labels: Labels): boolean {
  return ms.every((m) => matcherMatches(m, labels));
}

/** Stable identity of an alert across its updates: the incident, or the topic and its posts. */
export function fingerprint(a: AlertRecord): string {
  if (a.kind && a.kind !== 'incident') return `${a.kind}:${a.topic}:${a.incident ?? a.title}`;
  return a.incident ? `inc:${a.incident}` : `post:${a.topic}:${[...a.posts].sort().join(',')}`;
}
