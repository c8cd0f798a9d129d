// English complaint and praise cues that sentiment lexicons miss but that carry over across brands
// and topics (our own list, written from general customer-service language, valences on VADER's
// -4..4 scale): single words (merged into the model's lexicon at training time when the lexicon
// lacks them) and two/three-word phrases (matched on the token sequence by en-vader-features.ts).
// Also: decompounding of hashtags such as #windows10fail into a known polar word at the end/start.

/** Single-word cues, added to the lexicon where VADER/AFINN have no entry. */
export const CUE_WORDS: Record<string, number> = {
  late: -1, refund: -1, ripoff: -2.5, glitch: -1.5, glitches: -1.5, glitchy: -1.5, bug: -1, bugs: -1, buggy: -1.8, crashed: -1.7, crashes: -1.7,
  crashing: -1.7, bricked: -2, bricks: -1, laggy: -1.5, fml: -2, smfh: -1.5, ffs: -1.8, cmon: -1, meh: -0.8, ugh: -1.8, nope: -0.8, outage: -1.5,
  overpriced: -1.8, unusable: -2, unresponsive: -1.5, downgrade: -1.2, downgrading: -1.2, rude: -2, worst: -3.1, fuming: -2.5, gutted: -2.2,
  shambles: -2, pathetic: -2.8, incompetent: -2.4, yay: 2.4, stoked: 2.2, psyched: 2, hyped: 1.8, lit: 1.2, fav: 1.8, fave: 1.8, goat: 1.5,
};

/** Phrase cues: "w1 w2" or "w1 w2 w3" (tokens as en3 makes them: lower case, n't -> nt). */
export const CUE_PHRASES = new Map<string, number>(Object.entries({
  'on hold': -1.5, 'still waiting': -1.8, 'still not': -1.2, 'still no': -1.2, 'hung up': -1.8, 'supposed to': -0.8, 'come on': -0.8,
  'fix this': -1.2, 'fix it': -1, 'please fix': -1.5, 'what happened': -0.8, 'not working': -1.8, 'doesnt work': -1.8, 'dont work': -1.5,
  'wont work': -1.8, 'stopped working': -2, 'wont let': -1.2, 'cant even': -1, 'waste of': -2, 'why cant': -1.2, 'why wont': -1.2,
  'why doesnt': -1.2, 'why dont': -0.8, 'why isnt': -1.2, 'gave up': -1.2, 'let down': -1.8, 'fed up': -2, 'sick of': -2, 'tired of': -1.8,
  'sick and tired': -2.5, 'never again': -2, 'pushed back': -1, 'no where near': -1.2, 'nowhere near': -1.2,
  'should have': -0.6, 'rip off': -2.5, 'customer service': -0.5, 'no response': -1.5, 'no reply': -1.2, 'not impressed': -1.8,
  'cant wait': 2.2, 'so excited': 2.2, 'so ready': 1.5, 'cant believe': -0.3, 'thank you': 1.8, 'well done': 2, 'shout out': 1.2,
  'must see': 1.8, 'highly recommend': 2.5, 'love it': 2.5, 'looking forward': 1.8, 'good luck': 1.5, 'happy birthday': 2,
}));

/** First words of the phrase cues (a cheap test before building the phrase key). */
export const CUE_FIRST = new Set([...CUE_PHRASES.keys()].map((k) => k.slice(0, k.indexOf(' '))));

const MIN_PART = 4;

/**
 * The valence of a hashtag that is a compound of a known polar word, e.g. windows10fail -> fail,
 * epicwin -> win: the longest lexicon word (>= 4 letters) at its end, else at its start. undefined: none.
 */
export function hashtagValence(tag: string, lexicon: ReadonlyMap<string, number>): number | undefined {
  const whole = lexicon.get(tag);
  if (whole !== undefined) return whole;
  for (let k = Math.max(1, tag.length - 12); k <= tag.length - MIN_PART; k++) {
    const v = lexicon.get(tag.slice(k));
    if (v !== undefined) return v;
  }
  for (let k = Math.min(tag.length - 1, 12); k >= MIN_PART; k--) {
    const v = lexicon.get(tag.slice(0, k));
    if (v !== undefined) return v;
  }
  return undefined;
}
