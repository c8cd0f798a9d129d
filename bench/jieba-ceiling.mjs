#!/usr/bin/env node
// The ceiling for (a): raw @node-rs/jieba segmentation of the same texts `score` reads, whole
// process (read, parse JSON, cut every text; no analysis). Prints texts/s as JSON on stdout.
// Usage: node bench/jieba-ceiling.mjs POSTS.jsonl
import { readFileSync } from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

const t0 = process.hrtime.bigint();
const jieba = Jieba.withDict(dict);
const lines = readFileSync(process.argv[2], 'utf8').split('\n');
let n = 0, tokens = 0;
for (const l of lines) {
  if (!l) continue;
  tokens += jieba.cut(JSON.parse(l).text, false).length;
  n++;
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ texts: n, tokens, seconds: s, textsPerSec: n / s }));
