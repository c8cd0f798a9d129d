import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { hasTraditional, normalizeForMatch, normalizeForMatchFull, toHalfWidth, toSimplified } from '../../src/text/normalize.js';
import { TRADITIONAL_CHARS } from '../../src/text/traditional-chars.js';

describe('normalize', () => {
  it('converts Traditional to Simplified, full-width to half-width, lower case, collapses spaces', () => {
    expect(normalizeForMatch('星河乳業　喝出異物！ＡＢＣ  Xinghe')).toBe('星河乳业 喝出异物!abc xinghe');
    expect(normalizeForMatch(null)).toBe('');
    expect(normalizeForMatch('\ufeff  ')).toBe('');
  });
  it('leaves Simplified and English text untouched by the converter', () => {
    expect(hasTraditional('星河乳业喝出异物')).toBe(false);
    expect(toSimplified('plain english')).toBe('plain english');
    expect(hasTraditional('這個')).toBe(true);
    expect(toSimplified('這個產品')).toBe('这个产品');
  });
  it('half-width conversion keeps other characters', () => {
    expect(toHalfWidth('１２３１５，投诉')).toBe('12315,投诉');
  });
  it('the Traditional pre-check table agrees with opencc-js', () => {
    const OpenCC = createRequire(import.meta.url)('opencc-js') as { Converter(o: object): (s: string) => string };
    const conv = OpenCC.Converter({ from: 'hk', to: 'cn' });
    const sample = [...TRADITIONAL_CHARS].filter((_, i) => i % 37 === 0);
    for (const ch of sample) expect(conv(ch)).not.toBe(ch);
    for (const ch of '的一是在不了有和人这中大为上个国') expect(conv(ch)).toBe(ch);
  });
});

describe('hkToSimplified (own tables over the opencc-js dictionaries)', () => {
  it('matches opencc-js on phrases, variants, surrogates and random mixes', async () => {
    const { hkToSimplified } = await import('../../src/text/t2s.js');
    const OpenCC = createRequire(import.meta.url)('opencc-js') as { Converter(o: object): (s: string) => string };
    const conv = OpenCC.Converter({ from: 'hk', to: 'cn' });
    const fixed = ['乾隆皇帝說這個軟體很好，頭髮乾了', '瞭若指掌', '手鍊和鑄造', '𧕟殤 😀 東西', '二噁英', '酒逢知己千鍾少', '麼麽於後來這'];
    for (const s of fixed) expect(hkToSimplified(s)).toBe(conv(s));
    const chars = [...TRADITIONAL_CHARS];
    let seed = 11;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let j = 0; j < 1 + Math.floor(rnd() * 10); j++) s += rnd() < 0.8 ? chars[Math.floor(rnd() * chars.length)] : '的了乾隆瞭解 a😀'[Math.floor(rnd() * 10)];
      expect(hkToSimplified(s)).toBe(conv(s));
    }
  });
});

describe('normalizeForMatch fast path', () => {
  // characters that each step of the full normalization may change, mixed with ones it keeps
  const tricky = [...'AaZz 中國国產产測试，。！？…—“”【】[]#@:/._-0189\t\n\r\u00a0\u3000\ufeff\u200b\u2060ＡＢｃ１！　ÀÉßİΣσΩΩKÅⅠⒶⰀＦ',
    '\u{1F600}', '\u{1F44D}', '\u{10400}', '\u{1E900}', '\u{20000}', '体験', '한국어'];
  const arbText = fc.array(fc.oneof(fc.constantFrom(...tricky), fc.string({ maxLength: 3 }), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 12 }).map((xs) => xs.join(''));

  it('gives exactly what the full normalization gives', () => {
    fc.assert(fc.property(arbText, (s) => normalizeForMatch(s) === normalizeForMatchFull(s)), { numRuns: 20000 });
  });

  it('returns plain Simplified text unchanged and lower-cases English', () => {
    const s = '这家店的服务太差了,再也不来了';
    expect(normalizeForMatch(s)).toBe(s);
    expect(normalizeForMatch('这家店的服务太差了，再也不来了！ＯＫ？')).toBe('这家店的服务太差了,再也不来了!ok?');
    expect(normalizeForMatch('Love It, BEST purchase')).toBe('love it, best purchase');
    expect(normalizeForMatch(' 两个  空格 ')).toBe('两个 空格');
  });
});
