// Key phrases and incident titles: DocFreq, stopword filtering, bigram merging, title shape.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { normalizeForMatch } from '../../src/text/normalize.js';
import { DocFreq, incidentTitle, keyPhrases } from '../../src/text/key-phrases.js';

const BACKGROUND = [
  '今天 天气 很 好 我们 去 公园 散步',
  '这家 餐厅 的 味道 不错 服务 也 很 好',
  '孩子 今天 在 学校 表现 很 好',
  '快递 昨天 到 了 包装 完好',
  '周末 去 超市 买 了 水果 和 牛奶',
  '新 手机 的 电池 续航 一般',
  '医院 排队 的 人 很多',
  '电影 挺 好看 推荐 大家 去 看',
].map((s) => s.split(' '));

function backgroundDf(): DocFreq {
  const df = new DocFreq();
  for (const d of BACKGROUND) df.add(d);
  return df;
}

// what an incident about contaminated milk looks like after jieba (punctuation kept)
const INCIDENT = [
  '星河牛奶 喝 出 异物 ， 孩子 住院 了 ！ http://t.cn/a1b2',
  '我 家 也是 星河牛奶 喝 出 异物 ， 现在 还 在 住院',
  '@ 小号123 ： 星河牛奶 喝 出 异物 ， 2026 年 8 月 22 日',
  '星河乳业 回应 ： 正在 调查 喝 出 异物 一 事',
  '太 可怕 了 喝 出 异物 孩子 住院',
  '星河牛奶 住院 住院 住院 # 星河牛奶 喝 出 异物 #',
].map((s) => s.split(' '));

describe('DocFreq', () => {
  it('counts each token once per document and gives rarer tokens a higher idf', () => {
    const df = new DocFreq();
    df.add(['a', 'a', 'b']);
    df.add(['a', 'c']);
    expect(df.documents).toBe(2);
    expect(df.df('a')).toBe(2);
    expect(df.df('b')).toBe(1);
    expect(df.idf('a')).toBeLessThan(df.idf('b'));
    expect(df.idf('b')).toBeLessThan(df.idf('never-seen'));
    expect(df.idf('a')).toBeGreaterThanOrEqual(1);
  });
});

describe('keyPhrases', () => {
  it('merges tokens that keep occurring together into one phrase', () => {
    const ps = keyPhrases(INCIDENT, backgroundDf(), { k: 3, exclude: ['星河乳业', '星河牛奶'] });
    expect(ps[0]).toBe('喝出异物');
    expect(ps).toContain('住院');
  });

  it('leaves out stopwords, single characters, numbers, URLs, mentions and the brand', () => {
    const ps = keyPhrases(INCIDENT, backgroundDf(), { k: 20, exclude: ['星河乳业', '星河牛奶'] });
    for (const bad of ['的', '了', '我', '在', '2026', '22', 'http', 't.cn', '小号123', '星河牛奶', '星河乳业', '星河', '牛奶', '乳业'])
      expect(ps.some((p) => p === bad || p.includes('2026') || p.includes('星河'))).toBe(false);
    expect(ps.every((p) => [...p].length >= 2)).toBe(true);
  });

  it('keeps the brand when it is not excluded, and weights by idf', () => {
    const df = backgroundDf();
    const docs = [['星河牛奶', '，', '孩子', '，', '异物'], ['孩子', '！', '星河牛奶', '。', '异物'], ['星河牛奶', '，', '孩子']];
    const ps = keyPhrases(docs, df, { k: 3 });
    expect(ps).toContain('星河牛奶');
    // 孩子 occurs in more incident documents, but also in the background; 异物 is new
    expect(ps.indexOf('异物')).toBeLessThan(ps.indexOf('孩子'));
  });

  it('joins English tokens with spaces', () => {
    const docs = Array.from({ length: 4 }, (_, i) => ['xinghe', 'glass', 'shard', 'found', 'in', 'yogurt', `post${i}`]);
    const ps = keyPhrases(docs, new DocFreq(), { k: 2, exclude: ['xinghe'] });
    expect(ps[0]).toMatch(/^glass shard/);
  });

  it('returns nothing for no documents', () => {
    expect(keyPhrases([], new DocFreq())).toEqual([]);
  });
});

describe('incidentTitle', () => {
  it('reads "brand · phrase · phrase"', () => {
    const title = incidentTitle(INCIDENT, backgroundDf(), { brand: '星河乳业', exclude: ['星河牛奶'], k: 2 });
    expect(title).toBe('星河乳业 · 喝出异物 · 住院');
  });

  it('stays within maxLength', () => {
    const long = Array.from({ length: 3 }, () => ['非常非常长的第一个关键短语', '另外一个也很长的关键短语', '第三个同样很长的关键短语']);
    const title = incidentTitle(long, new DocFreq(), { brand: '星河乳业', k: 3 });
    expect([...title].length).toBeLessThanOrEqual(30);
    expect(title.startsWith('星河乳业 · ')).toBe(true);
  });

  it('falls back to the brand and first document when no phrase qualifies', () => {
    expect(incidentTitle([['的', '了']], new DocFreq(), { brand: '云帆快递' })).toBe('云帆快递');
    expect(incidentTitle([], new DocFreq(), {})).toBe('');
  });
});

const SCENARIO = new URL('../../../shared/data/scenarios/05-severe-low-reach/', import.meta.url).pathname;
const hasShared = existsSync(SCENARIO);
if (!hasShared) console.warn('skipping: ../shared/data not found');
describe.skipIf(!hasShared)('incidentTitle on a replay scenario', () => {
  it('titles a real-shaped incident with its key facts', () => {
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): { cut(s: string, hmm: boolean): string[]; loadDict(b: Uint8Array): void } } };
    const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    const jieba = Jieba.withDict(dict);
    const truth = JSON.parse(readFileSync(SCENARIO + 'truth.json', 'utf8')) as { brand: string; posts: string[] };
    jieba.loadDict(Buffer.from(`${truth.brand} 1000000 nz\n`));
    const texts = new Map<string, string>();
    for (const line of readFileSync(SCENARIO + 'observations.jsonl', 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as { source: string; id: string; text?: string; title?: string };
      const key = `${o.source}:${o.id}`;
      if (!texts.has(key) && (o.text || o.title)) texts.set(key, normalizeForMatch([o.title, o.text].filter(Boolean).join(' ')));
    }
    const df = new DocFreq();
    for (const t of texts.values()) df.add(jieba.cut(t, true));
    const docs = truth.posts.map((p) => texts.get(p)).filter((t): t is string => !!t).map((t) => jieba.cut(t, true));
    const title = incidentTitle(docs, df, { brand: truth.brand });
    expect(title.startsWith(`${truth.brand} · `)).toBe(true);
    expect(title).toMatch(/殴打|头破血流|报警/);
  });
});
