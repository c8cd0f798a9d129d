#!/usr/bin/env node
// Calibrates the SEISMIC constants of src/forecast/profiles.ts on retweet cascades and reports the
// cross-validated error (the honest figure: constants fitted on the other folds only).
// Free constants per profile: kernel (s0, theta), gamma (branching correction), the root's weight
// when its reach is unknown (count mode), alpha (bias correction: median ratio of actual to
// predicted future reposts) and sigma (model log-error so the 80% interval covers 80% of training
// cascades). Objective: mean |log(predicted / actual)| over the training cascades seen at several
// observation windows (30, 60, 120 min by default) so the constants do not hinge on one window.
// Usage (after `npm run build`): node scripts/calibrate-forecast.mjs [--folds 10] [--windows 30,60,120]
//   [--twitter FILE] [--weibo FILE]  (defaults: ../shared/data/cascades/*-cascades.jsonl)
import { readFileSync, existsSync } from 'node:fs';
import { buildCascade } from '../dist/src/forecast/cascade-events.js';
import { cascadeSums, predictFromSums } from '../dist/src/forecast/seismic.js';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const FOLDS = Number(opt('folds', 10));
const WINDOWS = opt('windows', '30,60,120').split(',').map(Number);
const files = {
  twitter: opt('twitter', new URL('../../shared/data/cascades/twitter-cascades.jsonl', import.meta.url).pathname),
  weibo: opt('weibo', new URL('../../shared/data/cascades/weibo-cascades.jsonl', import.meta.url).pathname),
};
const read = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const S0 = [60, 120, 300, 600, 1200, 1800, 3600];
const THETA = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0, 1.5];
const GAMMA = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2];
const ROOTW = [1, 2, 5, 10, 20, 50, 100, 200];
const WINDOW = (opt('window-fractions', '1,0.5,0.25')).split(',').map(Number);
const LOSS = opt('loss', 'mean'); // mean or median |log error|
const BASE = { alpha: 1, maxBranching: 0.95, priorEvents: 1, priorInfectiousness: 0.2, sigma: 0 };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** One sample = one cascade seen at one window. */
function samples(cascades, useFollowers) {
  const out = [];
  cascades.forEach((c, ci) => {
    const t0 = Date.parse(c.publishedAt);
    for (const w of WINDOWS) {
      const nowS = w * 60;
      const reposts = c.reposts.filter(([o]) => o <= nowS).map(([o, f]) => ({ at: t0 + o * 1000, followers: useFollowers ? f : null }));
      const built = buildCascade({ publishedAt: t0, now: t0 + nowS * 1000, rootFollowers: useFollowers ? c.rootFollowers : null, reposts });
      out.push({ ci, w, built, nowS, T: c.horizonHours * 3600, final: c.final });
    }
  });
  return out;
}

function kernelTable(ss) {
  const table = [];
  for (const s0 of S0) for (const theta of THETA) for (const windowFraction of WINDOW) {
    const kernel = { s0, theta };
    table.push({ kernel, windowFraction, sums: ss.map((s) => cascadeSums(s.built.events, s.nowS, s.T, kernel, windowFraction)) });
  }
  return table;
}

function evaluate(ss, sums, idx, params) {
  return idx.map((i) => {
    const s = ss[i];
    const r = predictFromSums(sums[i], s.built.rootWeight ?? params.rootWeight, false, params);
    return { i, r, final: s.final, w: s.w };
  });
}

function fit(ss, table, train, countMode) {
  let best = null;
  for (const { kernel, windowFraction, sums } of table) {
    for (const rootWeight of countMode ? ROOTW : [1]) for (const gamma of GAMMA) {
      const p = { ...BASE, kernel, windowFraction, gamma, rootWeight };
      const res = evaluate(ss, sums, train, p);
      const ratios = res.map(({ r, final }) => Math.log(Math.max(final - r.observed, 0.5) / Math.max(r.reposts - r.observed, 1e-9)));
      const alpha = Math.exp(median(ratios));
      const errs = res.map(({ r, final }) => Math.abs(Math.log((r.observed + alpha * (r.reposts - r.observed)) / final)));
      const loss = LOSS === 'median' ? median(errs) : errs.reduce((a, b) => a + b, 0) / errs.length;
      if (!best || loss < best.loss) best = { loss, params: { ...p, alpha }, sums };
    }
  }
  // sigma: smallest model error that lets the 80% interval cover 80% of the training samples
  let lo = 0, hi = 3;
  for (let it = 0; it < 30; it++) {
    const mid = (lo + hi) / 2;
    const res = evaluate(ss, best.sums, train, { ...best.params, sigma: mid });
    const cov = res.filter(({ r, final }) => r.low <= final && final <= r.high).length / res.length;
    if (cov < 0.8) lo = mid; else hi = mid;
  }
  best.params.sigma = hi;
  return best;
}

function run(name, cascades, useFollowers, countMode) {
  const ss = samples(cascades, useFollowers);
  const table = kernelTable(ss);
  const n = cascades.length;
  const k = Math.min(FOLDS, n);
  const held = [];
  for (let f = 0; f < k; f++) {
    const test = ss.map((s, i) => (s.ci % k === f ? i : -1)).filter((i) => i >= 0);
    const train = ss.map((s, i) => (s.ci % k !== f ? i : -1)).filter((i) => i >= 0);
    const best = fit(ss, table, train, countMode);
    const sums = best.sums;
    held.push(...evaluate(ss, sums, test, best.params));
  }
  console.log(`\n${name}: ${n} cascades, ${k}-fold cross-validation (held-out folds only)`);
  for (const w of WINDOWS) {
    const r = held.filter((h) => h.w === w);
    const ape = r.map(({ r, final }) => Math.abs(Math.round(r.reposts) - final) / final);
    const cov = r.filter(({ r, final }) => r.low <= final && final <= r.high).length / r.length;
    console.log(`  window ${w} min: CV median APE ${median(ape).toFixed(3)}, 80% interval coverage ${cov.toFixed(2)}`);
  }
  const all = fit(ss, table, ss.map((_, i) => i), countMode);
  const p = all.params;
  console.log(`  constants fitted on all ${n}: ${JSON.stringify({ kernel: p.kernel, windowFraction: p.windowFraction, alpha: +p.alpha.toFixed(4), gamma: p.gamma, rootWeight: p.rootWeight, sigma: +p.sigma.toFixed(4) })} (train loss ${all.loss.toFixed(3)})`);
}

if (existsSync(files.twitter)) {
  const tw = read(files.twitter);
  run('twitter-followers', tw, true, false);
  run('twitter-counts', tw, false, true);
}
if (existsSync(files.weibo)) run('weibo-counts', read(files.weibo), false, true);
