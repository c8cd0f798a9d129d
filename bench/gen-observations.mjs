#!/usr/bin/env node
// Generate a realistic observation stream for benchmarks: N observations over simulated days,
// ~12% first sightings (posts with text: brand mentions, complaints, chatter; some repost chains)
// and ~88% re-observations of recent posts with growing metrics, in time order, as JSON Lines.
// Usage: node bench/gen-observations.mjs N OUT.jsonl [--seed S]
import { createWriteStream } from 'node:fs';

const n = Number(process.argv[2] ?? 1_000_000);
const out = process.argv[3] ?? '/tmp/fw-bench-obs.jsonl';
const si = process.argv.indexOf('--seed');
let seed = si > 0 ? Number(process.argv[si + 1]) : 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const brands = ['星河乳业', '云帆快递', '极光汽车', '山岚咖啡', '北辰银行'];
const complaints = ['喝了以后肚子疼，客服一直推诿', '快递丢了三天没人管，投诉无门', '刹车失灵差点出事，要求召回', '咖啡里有异物，店员态度很差', '信用卡被乱扣费，打电话没人接', '退款申请提交一周了还没处理'];
const praise = ['味道真不错，会回购', '服务很好，点赞', '速度很快，包装完好', '体验很棒，推荐大家'];
const chatter = ['今天天气真好，出去跑步了', '周末带娃去了动物园', '新开的火锅店排队两小时', '追剧到凌晨三点', '考试终于结束了', 'The new phone update is great', 'Traffic was terrible this morning'];
const sources = ['weibo', 'weibo', 'weibo', 'tieba', 'heimao', 'rss'];

const w = createWriteStream(out);
const t0 = Date.parse('2026-06-01T00:00:00Z');
const live = [];
let written = 0, id = 0, t = t0;
let buf = '';
while (written < n) {
  t += 1000 + Math.floor(rand() * 4000);
  const at = new Date(t).toISOString();
  if (rand() < 0.12 || live.length < 50) {
    const src = pick(sources);
    const r = rand();
    const text = r < 0.15 ? `${pick(brands)}${pick(complaints)}` : r < 0.25 ? `${pick(brands)}${pick(praise)}` : r < 0.3 && live.length ? `转发 //@用户${id - 1}:${pick(brands)}${pick(complaints)}` : pick(chatter);
    const post = { id: String(5_000_000_000 + ++id), src, born: t, viral: rand() < 0.01 ? 50 + rand() * 500 : rand() * 2 };
    live.push(post);
    if (live.length > 4000) live.shift();
    buf += JSON.stringify({ at, source: src, kind: src === 'heimao' ? 'review' : 'post', id: post.id, url: `https://example.com/${src}/${post.id}`,
      author: { id: `u${Math.floor(rand() * 200000)}`, name: `用户${id % 9973}`, followers: Math.floor(10 ** (1 + rand() * 4)), verified: rand() < 0.02 },
      text, publishedAt: new Date(t - 30_000).toISOString(), metrics: { reposts: 0, comments: 0, likes: 0 } }) + '\n';
  } else {
    const p = live[Math.floor(live.length * Math.sqrt(rand()))];
    const ageH = (t - p.born) / 3_600_000;
    const reposts = Math.floor(p.viral * 40 * Math.log1p(ageH * 6));
    buf += JSON.stringify({ at, source: p.src, kind: 'post', id: p.id, metrics: { reposts, comments: Math.floor(reposts / 3), likes: reposts * 2 } }) + '\n';
  }
  written++;
  if (buf.length > 1 << 20) { w.write(buf); buf = ''; }
}
w.end(buf);
w.on('finish', () => console.error(`wrote ${written} observations (${id} posts) to ${out}`));
