#!/usr/bin/env node
// Throughput of two hot paths that used to be timed inside unit tests (flaky on a busy machine):
// forecastReposts on 100-event cascades (target >= 10k calls/s) and VolumeSeries add+score
// (target: 100k events with a score every 100 events in under a second). Prints JSON.
// Usage: npm run build && node bench/hot-paths.mjs
import { forecastReposts } from '../dist/src/forecast/index.js';
import { VolumeSeries } from '../dist/src/signals/volume-baseline.js';

const base = { publishedAt: 0, now: 3_600_000, horizonMs: 24 * 3_600_000, rootFollowers: 5000 };
const reposts = Array.from({ length: 100 }, (_, i) => ({ at: i * 30_000, followers: 100 + i }));
for (let i = 0; i < 500; i++) forecastReposts({ ...base, source: 'twitter', reposts });
let t0 = performance.now();
const calls = 10_000;
for (let i = 0; i < calls; i++) forecastReposts({ ...base, source: 'twitter', reposts });
const forecastPerSec = calls / ((performance.now() - t0) / 1000);

const T0 = Date.parse('2026-03-02T00:00:00Z');
const s = new VolumeSeries();
t0 = performance.now();
for (let i = 0; i < 100_000; i++) {
  s.add(T0 + i * 2000);
  if (i % 100 === 0) s.score(T0 + i * 2000);
}
const volumeMs = performance.now() - t0;
console.log(JSON.stringify({ forecastPerSec: Math.round(forecastPerSec), volume100kMs: Math.round(volumeMs) }));
