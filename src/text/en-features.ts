// English sentiment features: word unigrams and bigrams, negation scope (not/no/never/n't ... until
// the clause ends, VADER-style), boosters, "but"/"however" contrast (the clause after gets its own
// copies), emoticons and emoji, ALL-CAPS emphasis, and real-valued lexicon features: a VADER-like
// compound valence from a word lexicon (AFINN-165, stored inside the model file) with negation
// flips, booster scaling, caps emphasis and contrast weighting.
import { FeatureSink, Kind, hashString, mix } from './feature-hash.js';
import { stripUrlsAndMentions } from './entities.js';

const NEGATIONS = new Set(['not', 'no', 'never', 'nor', 'none', 'nobody', 'nothing', 'neither', 'cannot', 'without', 'nowhere', 'hardly', 'barely',
  'dont', 'doesnt', 'didnt', 'wont', 'cant', 'isnt', 'arent', 'wasnt', 'werent', 'aint', 'shouldnt', 'wouldnt', 'couldnt', 'havent', 'hasnt']);
const BOOSTERS = new Map<string, number>([['very', 0.3], ['really', 0.3], ['so', 0.25], ['extremely', 0.4], ['too', 0.2], ['absolutely', 0.4],
  ['totally', 0.3], ['completely', 0.3], ['super', 0.3], ['such', 0.2], ['most', 0.2], ['quite', 0.1], ['incredibly', 0.4], ['fucking', 0.4],
  ['damn', 0.2], ['kinda', -0.3], ['somewhat', -0.3], ['slightly', -0.3], ['barely', -0.4], ['little', -0.2]]);
const CONTRAST = new Set(['but', 'however', 'although', 'though', 'yet']);
const POS_EMOTICON = /(?:^|\s)(?:[:;=8][-']?[)\]dp}>]|<3|\^_\^|\(:)/gi;
const NEG_EMOTICON = /(?:^|\s)(?:[:;=][-']?[(\[{\/\\|]|:'\(|d:|>:\()/gi;
const TOKEN = /[a-z0-9][a-z0-9']*|[!?]+|[.,;:]+|[\ud800-\udbff][\udc00-\udfff]/g;

export type Lexicon = ReadonlyMap<string, number>;

/** Append the features of one English text (original case, half-width) to the sink. */
export function enFeatures(text: string, sink: FeatureSink, lexicon: Lexicon): void {
  sink.reset();
  const raw = stripUrlsAndMentions(text);
  const lower = raw.toLowerCase();
  const words: string[] = lower.replace(/#/g, ' ').replace(/n't\b/g, 'nt').match(TOKEN) ?? [];
  const origWords: string[] = raw.replace(/#/g, ' ').match(/[A-Za-z][A-Za-z']*/g) ?? [];
  let caps = 0, letters = 0;
  let capsWords: Set<string> | null = null;
  for (const w of origWords) {
    if (w.length > 1) {
      letters++;
      if (w === w.toUpperCase()) { caps++; (capsWords ??= new Set()).add(w.toLowerCase()); }
    }
  }
  const shouting = letters > 2 && caps < letters; // caps as emphasis only when not the whole text
  let neg = 0, after = false, boost = 0;
  let valBefore = 0, valAfter = 0, excl = 0, quest = 0;
  let prev = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const c0 = w.charCodeAt(0);
    if (c0 === 33 || c0 === 63) { // ! ?
      if (c0 === 33) excl += w.length; else quest++;
      neg = 0;
      prev = hashString(w[0]);
      sink.add(mix(Kind.Uni, prev));
      continue;
    }
    if (c0 === 46 || c0 === 44 || c0 === 59 || c0 === 58) { neg = 0; prev = 0; continue; }
    if (c0 >= 0xd800) { sink.add(mix(Kind.Emoji, w.codePointAt(0) ?? c0)); prev = 0; continue; }
    const h = hashString(w);
    sink.add(mix(Kind.Word, h));
    if (prev) sink.add(mix(Kind.WordBi, prev, h));
    if (neg > 0) sink.add(mix(Kind.NegUni, h));
    if (after) sink.add(mix(Kind.AfterUni, h), 0.7);
    const v = lexicon.get(w);
    if (v !== undefined) {
      let val = v * (1 + boost);
      if (neg > 0) val *= -0.74;
      if (shouting && capsWords?.has(w)) val *= 1.3;
      if (after) valAfter += val; else valBefore += val;
    }
    boost = BOOSTERS.get(w) ?? 0;
    if (NEGATIONS.has(w)) neg = 4;
    else if (neg > 0) neg--;
    if (CONTRAST.has(w)) { after = true; sink.add(mix(Kind.Cue, 1)); }
    prev = h;
  }
  for (const _ of lower.matchAll(POS_EMOTICON)) { sink.add(mix(Kind.Emoticon, 1)); valAfter += 2; }
  for (const _ of lower.matchAll(NEG_EMOTICON)) { sink.add(mix(Kind.Emoticon, 2)); valAfter -= 2; }
  sink.add(mix(Kind.Bucket, 2, Math.min(excl, 4)), 0.5);
  sink.add(mix(Kind.Bucket, 3, Math.min(quest, 3)), 0.5);
  sink.normalize();
  // real-valued lexicon features, added after normalization so they keep their scale
  const total = after ? valBefore * 0.5 + valAfter * 1.5 : valAfter + valBefore;
  const compound = total / Math.sqrt(total * total + 15);
  sink.add(mix(Kind.Lexicon, 1), compound);
  sink.add(mix(Kind.Lexicon, 2, compound > 0.05 ? 1 : compound < -0.05 ? 2 : 0), 0.5);
  if (excl && total) sink.add(mix(Kind.Lexicon, 3), Math.sign(total) * Math.min(excl, 4) * 0.1);
}
