import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { loadSeverityFile, parseSeverityText } from '../../src/text/severity.js';
import { normalizeForMatch } from '../../src/text/normalize.js';

const RULES = new URL('../../rules/', import.meta.url).pathname;
const sev = loadSeverityFile(join(RULES, 'severity.yaml'));
const score = (t: string) => sev.score(normalizeForMatch(t));

describe('severity rules', () => {
  it('scores safety terms high and reports terms and categories', () => {
    const s = score('喝了星河牛奶后孩子中毒住院，已经报警');
    expect(s.score).toBeGreaterThan(0.9);
    expect(s.terms).toEqual(expect.arrayContaining(['中毒', '住院', '报警']));
    expect(s.categories).toEqual(expect.arrayContaining(['safety', 'legal']));
  });
  it('is 0 for ordinary text and stays within [0, 1]', () => {
    expect(score('今天天气不错，奶茶很好喝')).toEqual({ score: 0, terms: [], categories: [] });
    const s = score('中毒 住院 死亡 致癌 起诉 12315 维权 求扩散 抵制 诈骗 泄露 歧视 投诉无门');
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.score).toBeGreaterThan(0.99);
  });
  it('does not match 315 inside a longer number, but does match it alone', () => {
    expect(score('订单号13150号已经发货').terms).toEqual([]);
    expect(score('打电话给12315投诉').terms).toContain('12315');
    expect(score('等着上315晚会吧').terms).toContain('315');
  });
  it('ignores negated mentions in negatable categories', () => {
    expect(score('检查过了，没有异物').terms).toEqual([]);
    expect(score('并未住院，只是有点不舒服').terms).toEqual([]);
    expect(score('没想到喝出异物').terms).toContain('异物');
    expect(score('不给退款，客服推诿').terms).toEqual(expect.arrayContaining(['推诿']));
  });
  it('knows hospital and emergency terms, and still honours negation', () => {
    const s = score('吃完上吐下泻，连夜送医，孩子住进医院还进了ICU抢救');
    expect(s.terms).toEqual(expect.arrayContaining(['上吐下泻', '送医', '住进医院', 'icu', '抢救']));
    expect(s.terms).not.toContain('进医院'); // the longer 住进医院 wins, no double count
    expect(s.categories).toEqual(['safety']);
    expect(s.score).toBeGreaterThan(0.99);
    expect(score('呕吐腹泻去了急诊').terms).toEqual(['呕吐', '腹泻', '急诊']);
    expect(score('一名员工不幸身亡').terms).toEqual(['身亡']);
    expect(score('还好没有进医院').terms).toEqual([]);
    expect(score('并未送医，休息一下就好了').terms).toEqual([]);
    expect(score('the picu and icu wards').terms).toEqual(['icu']);
  });
  it('matches English terms as whole words only', () => {
    expect(score('There is an issue with my order').terms).toEqual([]);
    expect(score('I will sue them, this is fraud').categories).toEqual(expect.arrayContaining(['legal', 'fraud']));
    expect(score('no allergic reaction at all').terms).toEqual([]);
  });
  it('reports a bad rules file with its line and a hint', () => {
    const bad = 'version: 1\ncategories:\n  safety:\n    weight: 1\n    termz: [中毒]\n';
    try {
      parseSeverityText('severity.yaml', bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).line).toBe(5);
      expect((e as Error).message).toMatch(/termz.*did you mean 'terms'/);
    }
    expect(() => parseSeverityText('s.yaml', 'categories:\n  x:\n    terms: [a]\n    weight: 3\n')).toThrow(ConfigError);
  });
});
