// Language detection for routing texts to a model: 'zh' (Han script, no kana), 'en' (Latin script
// that reads as English), 'other' (Japanese, Korean, Cyrillic, Arabic, other Latin-script languages,
// or nothing to go on). A character-class count plus a small English function-word check.

export type Lang = 'zh' | 'en' | 'other';

const EN_WORDS = new Set(('the a an and or but is are was were be been am i you he she it we they me my your our their his her its ' +
  'this that these those of to in on at for with from by as not no do does did have has had will would can could should ' +
  'what who how why when where there here so if just get got all any one up out about than then too very really much more ' +
  'love like good bad great hate new now today tomorrow day night time lol omg thanks thank please want need go going').split(' '));

const NON_ENGLISH_LATIN = /[àâäçéèêëîïôöùûüÿñãõåæøœßğışł]/;

/** Detect the language of a text (original or normalized). */
export function detectLanguage(text: string): Lang {
  let han = 0, latin = 0, kana = 0, hangul = 0, otherScript = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) latin++;
    } else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) han++;
    else if (c >= 0x3040 && c <= 0x30ff) kana++;
    else if (c >= 0xac00 && c <= 0xd7af) hangul++;
    else if ((c >= 0x0400 && c <= 0x06ff) || (c >= 0x0900 && c <= 0x0e7f)) otherScript++;
    else if (c >= 0xff21 && c <= 0xff5a) latin++;
  }
  if (kana > 1 && kana * 4 >= han) return 'other';
  if (hangul > 1 && hangul >= han) return 'other';
  if (han > 0 && han * 3 >= latin / 2 && han >= otherScript) return 'zh';
  if (otherScript > latin) return 'other';
  if (latin < 2) return han > 0 ? 'zh' : 'other';
  const lower = text.toLowerCase();
  if (NON_ENGLISH_LATIN.test(lower)) {
    const accents = lower.match(new RegExp(NON_ENGLISH_LATIN.source, 'g'))?.length ?? 0;
    if (accents * 25 > latin) return 'other';
  }
  const words = lower.match(/[a-z']+/g) ?? [];
  if (words.length <= 2) return 'en';
  let hits = 0;
  for (const w of words) if (EN_WORDS.has(w)) hits++;
  return hits / words.length >= 0.08 || words.length < 5 ? 'en' : 'other';
}
