// simhash64, hamming, SimhashIndex (pigeonhole lookup agrees with a scan) and coordinated bursts.
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeForMatch } from '../../src/text/normalize.js';
import { EMPTY_SIMHASH, SimhashIndex, detectCoordinatedBurst, hamming, shingles, simhash64 } from '../../src/text/simhash.js';

const h = (t: string) => simhash64(normalizeForMatch(t));
const POST =
  '昨天在超市买的星河牛奶，打开之后发现里面有黑色的异物，孩子已经喝了一半，现在肚子疼去医院了，客服电话一直打不通，' +
  '希望星河乳业给个说法，大家买之前一定要看清楚生产日期和批次，不要再让别的孩子受害了。';

const hex64 = fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }))
  .map(([a, b]) => a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0'));

function flip(hash: string, bits: number[]): string {
  let v = BigInt('0x' + hash);
  for (const b of bits) v ^= 1n << BigInt(b);
  return v.toString(16).padStart(16, '0');
}

describe('simhash64', () => {
  it('is a 16-hex-digit string, deterministic, empty for text without letters or digits', () => {
    expect(h(POST)).toMatch(/^[0-9a-f]{16}$/);
    expect(h(POST)).toBe(h(POST));
    expect(h('')).toBe(EMPTY_SIMHASH);
    expect(h('，。！？ …')).toBe(EMPTY_SIMHASH);
  });

  it('uses 3-grams of the text without punctuation and whitespace', () => {
    expect(shingles('星河 牛奶！')).toEqual(['星河牛', '河牛奶']);
    expect(shingles('ab')).toEqual(['ab']);
    expect(h('星河牛奶，喝出异物！！')).toBe(h('星河牛奶 喝出异物'));
  });

  it('keeps a copy with punctuation, emoji, spacing or script changes at distance 0', () => {
    expect(hamming(h(POST), h(POST.replace(/，/g, '!! ') + ' 😡😡'))).toBe(0);
    expect(hamming(h('星河乳業回應：產品沒有問題'), h('星河乳业回应：产品没有问题'))).toBe(0);
  });

  // One edited word in a ~100-character post moves the hash by ~2-5 bits (3-gram simhash on short
  // texts is noisy: each edit changes 6 of ~100 votes per bit), hence the median check here and
  // maxDistance 8 by default in detectCoordinatedBurst.
  it('keeps copies with one edited word or an appended tag within 3 bits (median), 6 at most', () => {
    const edits = [['黑色', '白色'], ['医院', '诊所'], ['昨天', '今天'], ['一半', '一口'], ['超市', '商场']];
    const ds = [
      ...edits.map(([a, b]) => hamming(h(POST), h(POST.replace(a, b)))),
      ...['#星河牛奶#', ' @小号123', '转发', '@a'].map((tag) => hamming(h(POST), h(POST + tag))),
    ].sort((a, b) => a - b);
    expect(ds[Math.floor(ds.length / 2)]).toBeLessThanOrEqual(3);
    expect(ds[ds.length - 1]).toBeLessThanOrEqual(6);
  });

  it('puts unrelated texts far apart', () => {
    const other = '云帆快递的快递员态度很好，下雨天还准时送到了家门口，包装也完好无损，给个五星好评，下次还会选择他们。';
    expect(hamming(h(POST), h(other))).toBeGreaterThan(12);
  });

  it('counts differing bits', () => {
    fc.assert(fc.property(hex64, fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 64 }), (a, bits) => {
      expect(hamming(a, flip(a, bits))).toBe(bits.length);
      expect(hamming(a, a)).toBe(0);
    }));
    expect(() => hamming('xyz', EMPTY_SIMHASH)).toThrow(RangeError);
  });
});

const SHARED = new URL('../../../shared/data/sentiment/zh-train-waimai.jsonl', import.meta.url).pathname;
const hasShared = existsSync(SHARED);
if (!hasShared) console.warn('skipping: ../shared/data not found');
describe.skipIf(!hasShared)('simhash on real reviews', () => {
  it('separates distinct reviews and finds lightly edited copies', () => {
    const texts = readFileSync(SHARED, 'utf8').split('\n').filter(Boolean)
      .map((l) => normalizeForMatch((JSON.parse(l) as { text: string }).text)).filter((t) => t.length >= 40).slice(0, 400);
    const hashes = texts.map((t) => simhash64(t));
    let close = 0;
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) if (hamming(hashes[i], hashes[j]) <= 8) close++;
    expect(close).toBe(0);
    // appending a mention, as bot campaigns do: measured 52% of these reviews stay within 6 bits
    // and 78% within 8 (the longer the text, the closer)
    const near = (d: number) => texts.filter((t, i) => hamming(hashes[i], simhash64(t + ' @小号123')) <= d).length / texts.length;
    expect(near(6)).toBeGreaterThan(0.45);
    expect(near(8)).toBeGreaterThan(0.7);
  });
});

describe('SimhashIndex', () => {
  it('finds entries within 3 bits, nearest first, and removes them', () => {
    const idx = new SimhashIndex<string>();
    const a = h(POST);
    idx.add(a, 'a');
    idx.add(flip(a, [0, 17, 40]), 'a3');
    idx.add(flip(a, [5, 21, 37, 60]), 'a4');
    idx.add(flip(a, [63]), 'a1');
    expect(idx.near(a).map((r) => [r.item, r.distance])).toEqual([['a', 0], ['a1', 1], ['a3', 3]]);
    expect(idx.near(a, 4).map((r) => r.item)).toContain('a4');
    expect(idx.remove(a, 'a')).toBe(true);
    expect(idx.remove(a, 'a')).toBe(false);
    expect(idx.size).toBe(3);
    expect(idx.near(a).map((r) => r.item)).toEqual(['a1', 'a3']);
  });

  it.each([3, 6, 7, 10])('agrees with a linear scan (index maxDistance %i)', (maxDistance) => {
    fc.assert(fc.property(hex64, fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: maxDistance + 2 }), { maxLength: 30 }), hex64, (base, flips, q) => {
      const idx = new SimhashIndex<number>({ maxDistance });
      const hashes = flips.map((f) => flip(base, f));
      hashes.forEach((x, i) => idx.add(x, i));
      for (const query of [base, q, flip(base, [1, 2])]) {
        const expected = hashes.map((x, i) => ({ i, d: hamming(x, query) })).filter((r) => r.d <= maxDistance);
        const got = idx.near(query, maxDistance);
        expect(got.map((r) => r.item).sort((x, y) => x - y)).toEqual(expected.map((r) => r.i));
        expect(got.every((r, k) => k === 0 || got[k - 1].distance <= r.distance)).toBe(true);
      }
    }), { numRuns: 200 });
  });

  it('rejects malformed hashes and unsupported distances', () => {
    expect(() => new SimhashIndex().add('123', 1)).toThrow(RangeError);
    expect(() => new SimhashIndex({ maxDistance: 2 })).toThrow(RangeError);
  });
});

describe('detectCoordinatedBurst', () => {
  const T0 = Date.parse('2026-08-22T05:00:00Z');
  const min = 60_000;
  const text = normalizeForMatch(POST);
  const variants = [text, text + '#星河#', text.replace('黑色', '白色'), text + '@a', text.replace('医院', '诊所'), text];

  it('flags one near-identical text from 5 accounts within 10 minutes', () => {
    const posts = variants.slice(0, 5).map((t, i) => ({ id: `p${i}`, hash: simhash64(t), authorId: `bot${i}`, at: T0 + i * 2 * min }));
    posts.push({ id: 'other', hash: h('云帆快递今天又延误了，三天都没有到'), authorId: 'human', at: T0 + min });
    const bursts = detectCoordinatedBurst(posts);
    expect(bursts).toHaveLength(1);
    expect(bursts[0].posts.map((p) => p.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(bursts[0].accounts).toHaveLength(5);
    expect(bursts[0].start).toBe(T0);
    expect(bursts[0].end).toBe(T0 + 8 * min);
  });

  it('does not flag the same text spread over more than the window, or from too few accounts', () => {
    const slow = variants.slice(0, 5).map((t, i) => ({ hash: simhash64(t), authorId: `u${i}`, at: T0 + i * 3 * min }));
    expect(detectCoordinatedBurst(slow)).toEqual([]);
    expect(detectCoordinatedBurst(slow, { windowMinutes: 12 })).toHaveLength(1);
    const oneBot = Array.from({ length: 10 }, (_, i) => ({ hash: h(POST), authorId: i % 2 ? 'a' : 'b', at: T0 + i * min }));
    expect(detectCoordinatedBurst(oneBot)).toEqual([]);
    expect(detectCoordinatedBurst(oneBot, { minAccounts: 2 })).toHaveLength(1);
  });

  it('ignores posts with no letters or digits', () => {
    const empties = Array.from({ length: 8 }, (_, i) => ({ hash: EMPTY_SIMHASH, authorId: `u${i}`, at: T0 }));
    expect(detectCoordinatedBurst(empties)).toEqual([]);
  });

  it('splits one text into separate bursts when the campaign pauses', () => {
    const wave = (start: number, prefix: string) =>
      Array.from({ length: 5 }, (_, i) => ({ hash: h(POST), authorId: `${prefix}${i}`, at: start + i * min }));
    const bursts = detectCoordinatedBurst([...wave(T0, 'a'), ...wave(T0 + 120 * min, 'b')]);
    expect(bursts.map((b) => b.posts.length)).toEqual([5, 5]);
  });
});
