import { describe, expect, it } from 'vitest';
import { createTextAnalyzer } from '../../src/text/analyze.js';

const analyzer = createTextAnalyzer({ userWords: ['星河乳业', '星河牛奶'] });

describe('createTextAnalyzer', () => {
  it('analyses a Traditional-Chinese Weibo post end to end', () => {
    const a = analyzer.analyze({ title: '曝光', text: '星河乳業的星河牛奶喝出異物，孩子住院了！[怒] #星河乳业# @市场监管 http://t.cn/x1' });
    expect(a.lang).toBe('zh');
    expect(a.normalized).toContain('星河乳业的星河牛奶喝出异物');
    expect(a.tokens).toEqual(expect.arrayContaining(['星河乳业', '星河牛奶', '异物']));
    expect(a.sentiment.label).toBe('negative');
    expect(a.sentiment.score).toBeLessThan(0);
    expect(a.severity.categories).toEqual(expect.arrayContaining(['safety', 'mass_action']));
    expect(a.emoticons).toEqual(['怒']);
    expect(a.hashtags).toEqual(['星河乳业']);
    expect(a.mentions).toEqual(['市场监管']);
    expect(a.urls).toEqual(['http://t.cn/x1']);
  });
  it('routes English text to the English model and honours a declared language', () => {
    const a = analyzer.analyze({ text: 'Terrible customer service, still waiting for my refund' });
    expect(a.lang).toBe('en');
    expect(a.sentiment.score).toBeLessThan(0);
    expect(a.severity.categories).toContain('service');
    expect(analyzer.analyze({ text: 'ok', lang: 'en-US' }).lang).toBe('en');
  });
  it('handles empty input and user words added later', () => {
    const a = analyzer.analyze({ text: null, title: null });
    expect(a).toMatchObject({ normalized: '', tokens: [], sentiment: { label: 'neutral', score: 0 }, severity: { score: 0 } });
    analyzer.addUserWords(['极光手机Pro']);
    expect(analyzer.analyze({ text: '极光手机Pro发热严重' }).tokens).toContain('极光手机pro');
  });
  it('can skip segmentation for speed', () => {
    const fast = createTextAnalyzer({ segment: false });
    expect(fast.analyze({ text: '今天很开心' }).tokens).toEqual([]);
  });
  it('gives the severity category of each matched term (what incidents list per term)', () => {
    const a = createTextAnalyzer({ segment: false });
    const r = a.analyze({ text: '喝出异物，已经报警并打12315，客服推诿' });
    expect(r.severity.terms.length).toBeGreaterThanOrEqual(3);
    const cats = r.severity.terms.map((t) => a.termCategory(t));
    for (const c of cats) expect(r.severity.categories).toContain(c);
    expect(a.termCategory('异物')).toBe('safety');
    expect(a.termCategory('报警')).toBe('legal');
    expect(a.termCategory('not a term')).toBe('other');
  });
});

describe('labels and scores agree (zh)', async () => {
  const { createTextAnalyzer } = await import('../../src/text/analyze.js');
  const a = createTextAnalyzer({ segment: false });
  it('a confident score is never labelled neutral, and a neutral label has a score near 0', () => {
    expect(a.analyze({ text: '客服态度很好，问题很快解决了，点赞' }).sentiment.label).toBe('positive');
    const texts = ['今天去了趟超市', '明天要开会', '这个东西还行吧', '客服回复了，说再等等', '快递到了', '价格一般般，包装普通'];
    for (const text of texts) {
      const s = a.analyze({ text }).sentiment;
      if (s.label === 'neutral') expect(Math.abs(s.score), text).toBeLessThan(0.2);
      else expect(Math.abs(s.score), text).toBeGreaterThan(0);
    }
  });
});
