// Folds a text's headline danger into its sentiment and severity, and keeps questions from reading
// as complaints. A headline such as 美素佳儿一批次奶粉检出铅超标 carries no sentiment words, yet it is
// bad news: when the danger is clear, the sentiment is at least mildly negative and the severity at
// least the danger. A request for opinions or recommendations (有人喝过…吗？求推荐) is not a
// complaint: without danger, its sentiment is neutral. Pure.
import type { Danger } from './danger-scorer.js';
import type { Severity } from './severity-scorer.js';

type Sentiment = { label: 'negative' | 'neutral' | 'positive'; score: number };

/** danger at which a text counts as bad news */
export const DANGER_CLEAR = 0.5;
/** above this sentiment the author is praising, whatever words they use */
const PRAISE = 0.5;

const INQUIRY = /(求推荐|推荐一下|求安利|有没有推荐|大家推荐|求问|请问|求助.{0,4}哪|哪个好|哪款好|值得买吗|值不值得|怎么样[?？]|好(喝|吃|用|穿|看)吗|有人(用|喝|吃|买|试|去|玩|穿|坐|住)过.{0,24}吗|有没有人(用|喝|吃|买|试)过|any recommendations|recommend (a|any|me)|is it worth|has anyone tried|anyone tried)/;

export function isInquiry(normalized: string): boolean {
  return INQUIRY.test(normalized);
}

const SEVERITY_KINDS = new Set(['hazard', 'official', 'exposure']);

export function applyDanger(normalized: string, sentiment: Sentiment, severity: Severity, danger: Danger): { sentiment: Sentiment; severity: Severity } {
  let s = sentiment, sev = severity;
  const serious = danger.hits.filter((h) => SEVERITY_KINDS.has(h.kind));
  if (danger.score >= DANGER_CLEAR && serious.length) {
    if (s.score < PRAISE && s.score > -0.3) {
      const score = -Math.min(0.9, 0.3 + 0.6 * (danger.score - DANGER_CLEAR));
      s = { label: 'negative', score: Math.round(Math.min(s.score, score) * 10_000) / 10_000 };
    }
    if (danger.score > sev.score) {
      const terms = [...sev.terms], categories = [...sev.categories];
      for (const h of serious) {
        if (!terms.includes(h.term)) terms.push(h.term);
        if (!categories.includes(h.family)) categories.push(h.family);
      }
      sev = { score: danger.score, terms, categories };
    }
  } else if (danger.score < 0.3 && s.score < 0 && s.score > -0.6 && isInquiry(normalized)) {
    s = { label: 'neutral', score: Math.round(s.score * 0.1 * 10_000) / 10_000 };
  }
  return { sentiment: s, severity: sev };
}
