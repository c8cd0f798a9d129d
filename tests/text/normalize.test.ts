import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { hasTraditional, normalizeForMatch, toHalfWidth, toSimplified } from '../../src/text/normalize.js';
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
