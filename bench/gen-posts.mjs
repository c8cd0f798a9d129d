#!/usr/bin/env node
// Generate N short weibo-like posts for the `score` benchmark: ~80% Chinese (brand complaints,
// praise, chatter, repost chains, emoticons, hashtags), ~20% English, as {id, text} JSON Lines.
// Usage: node bench/gen-posts.mjs N OUT.jsonl [--seed S]
import { writeFileSync } from 'node:fs';

const n = Number(process.argv[2] ?? 200_000);
const out = process.argv[3] ?? '/tmp/fw-bench-posts.jsonl';
const si = process.argv.indexOf('--seed');
let seed = si > 0 ? Number(process.argv[si + 1]) : 11;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const brands = ['星河乳业', '云帆快递', '极光汽车', '山岚咖啡', '北辰银行', '小米', '华为'];
const zh = ['喝了以后肚子疼，客服一直推诿', '快递丢了三天没人管，投诉无门', '刹车失灵差点出事，要求召回', '咖啡里有异物，店员态度很差',
  '信用卡被乱扣费，打电话没人接', '退款申请提交一周了还没处理', '味道真不错，会回购', '服务很好，点赞', '速度很快，包装完好', '体验很棒，推荐大家',
  '今天天气真好，出去跑步了', '周末带娃去了动物园', '新开的火锅店排队两小时', '追剧到凌晨三点', '考试终于结束了', '孩子喝完上吐下泻住院了', '价格又涨了，不太划算'];
const tails = ['', '', '[怒]', '[哈哈]', ' #维权# ', '😡', '！！！', '，大家评评理', ' http://t.cn/A6x1y2z'];
const en = ['The new phone update is great', 'Traffic was terrible this morning', 'Customer service never answered my refund request',
  'Battery overheats after the update, please recall', 'Loved the coffee, will come back', 'Worst delivery experience ever'];
const words = ['质量', '问题', '投诉', '客服', '退款', '召回', '异物', '好喝', '推荐', '价格', '上涨', '发布会', '新品', '电池', '发热', '延误', '航班', '排队',
  '服务', '态度', '满意', '失望', '维权', '消费者', '曝光', '调查', '回应', '道歉', '声明', '门店', '包装', '味道', '过期', '安全', '检测', '网友', '热议', '真的', '太', '了'];
const phrase = () => Array.from({ length: 2 + Math.floor(rand() * 6) }, () => pick(words)).join('');
const lines = [];
for (let i = 0; i < n; i++) {
  const r = rand();
  let text;
  if (r < 0.2) text = `${rand() < 0.5 ? pick(['Xiaomi', 'Huawei', 'Aurora Motors']) + ': ' : ''}${pick(en)}`;
  else if (r < 0.3) text = `转发微博 //@用户${Math.floor(rand() * 9999)}:${pick(brands)}${pick(zh)}${pick(tails)}`;
  else text = `${rand() < 0.6 ? pick(brands) : ''}${pick(zh)}${phrase()}${pick(tails)}${rand() < 0.3 ? pick(zh) : ''}${rand() < 0.2 ? ` 第${Math.floor(rand() * 1000)}天` : ''}`;
  lines.push(JSON.stringify({ id: `p${i}`, text }));
}
writeFileSync(out, lines.join('\n') + '\n');
console.error(`wrote ${n} posts to ${out}`);
