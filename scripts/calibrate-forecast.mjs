#!/usr/bin/env node
// Calibrates the forecast constants of src/forecast/profiles.ts on retweet cascades and reports the
// cross-validated error (the honest figure: everything, including the choice of kernel, follower
// exponent, gamma and root weight, is fitted on the training folds only; nested selection).
// Per profile: for each candidate structure (kernel, beta, gamma, root weight) the SEISMIC features
// of every training cascade seen at several ages (30, 60, 120 min by default) are computed once;
// log alpha = c . x is fitted by ridge least squares on log(actual future / model future); the
// structure with the lowest training mean |log error| wins; sigma is the smallest model error that
// gives 80% interval coverage on the training samples.
// Usage (after `npm run build`): node scripts/calibrate-forecast.mjs [--folds 10] [--windows 30,60,120]
//   [--twitter FILE] [--weibo FILE]  (defaults: ../shared/data/cascades/*-cascades.jsonl)
import { readFileSync, existsSync } from 'node:fs';
import { buildCascade } from '../dist/src/forecast/cascade-events.js';
import { seismicFeatures, predictFromFeatures, ALPHA_FEATURES } from '../dist/src/forecast/seismic.js';
import { utcDayFraction } from '../dist/src/forecast/index.js';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const FOLDS = Number(opt('folds', 10));
const WINDOWS = opt('windows', '30,60,120').split(',').map(Number);
const RIDGE = Number(opt('ridge', 0.1));
const files = {
  twitter: opt('twitter', new URL('../../shared/data/cascades/twitter-cascades.jsonl', import.meta.url).pathname),
  weibo: opt('weibo', new URL('../../shared/data/cascades/weibo-cascades.jsonl', import.meta.url).pathname),
};
const read = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const COMMON = { minWindow: 300, maxWindow: 7200, maxBranching: 0.95, priorEvents: 0.5, priorInfectiousness: 0.2, sigma: 0 };
const PAPER = { s0: 300, theta: 0.242 };
const grid = (o) => Object.entries(o).reduce((acc, [k, vs]) => acc.flatMap((a) => vs.map((v) => ({ ...a, [k]: v }))), [{}]);

// Candidate structures and which regressors of log alpha each profile may use (Weibo: 10 cascades,
// so only intercept, extrapolation and age; no follower counts there, and all its cascades were
// published at 3 times of day, so no daily cycle can be learned from them).
const PROFILES = {
  'twitter-followers': { followers: true, use: [0, 1, 2, 3, 4, 5], structures: grid({ kernel: [PAPER], followerExponent: [1, 0.75, 0.5], gamma: [0, 0.2], rootWeight: [1] }) },
  'twitter-counts': { followers: false, use: [0, 1, 2, 4, 5], structures: grid({ kernel: [PAPER], followerExponent: [1], gamma: [0, 0.2], rootWeight: [1, 5, 20, 50] }) },
  'weibo-counts': { followers: false, use: [0, 1, 2], structures: grid({ kernel: [PAPER, { s0: 600, theta: 0.7 }], followerExponent: [1], gamma: [0, 0.2], rootWeight: [1, 5, 20] }) },
};

function samples(cascades, st, followers) {
  const params = { ...COMMON, ...st, alphaCoef: [] };
  const out = [];
  cascades.forEach((c, ci) => {
    const t0 = Date.parse(c.publishedAt);
    for (const w of WINDOWS) {
      const nowS = w * 60;
      const reposts = c.reposts.filter(([o]) => o <= nowS).map(([o, f]) => ({ at: t0 + o * 1000, followers: followers ? f : null }));
      const b = buildCascade({ publishedAt: t0, now: t0 + nowS * 1000, rootFollowers: followers ? c.rootFollowers : null, reposts, followerExponent: st.followerExponent });
      const f = seismicFeatures(b.events, b.rootWeight ?? st.rootWeight, nowS, c.horizonHours * 3600, b.logMeanReach, utcDayFraction(t0), params);
      out.push({ ci, w, f, final: c.final, z: Math.log(Math.max(c.final - f.observed, 0.5) / f.future) });
    }
  });
  return { params, ss: out };
}

/** Ridge least squares (intercept not penalised) of z on the used regressors. */
function fitCoef(ss, idx, use) {
  const d = use.length;
  const A = Array.from({ length: d }, () => new Array(d).fill(0)), b = new Array(d).fill(0);
  for (const i of idx) {
    const x = use.map((j) => ss[i].f.x[j]);
    for (let r = 0; r < d; r++) { b[r] += x[r] * ss[i].z; for (let c = 0; c < d; c++) A[r][c] += x[r] * x[c]; }
  }
  for (let r = 1; r < d; r++) A[r][r] += RIDGE;
  for (let col = 0; col < d; col++) { // Gaussian elimination with partial pivoting
    let piv = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(A[r][col]) > Math.abs(A[piv][col])) piv = r;
    [A[col], A[piv]] = [A[piv], A[col]]; [b[col], b[piv]] = [b[piv], b[col]];
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const m = A[r][col] / A[col][col];
      for (let c = col; c < d; c++) A[r][c] -= m * A[col][c];
      b[r] -= m * b[col];
    }
  }
  const coef = new Array(ALPHA_FEATURES.length).fill(0);
  use.forEach((j, r) => { coef[j] = b[r] / A[r][r]; });
  return coef;
}

function fitStructure(S, idx, use) {
  const coef = fitCoef(S.ss, idx, use);
  const params = { ...S.params, alphaCoef: coef };
  const loss = idx.reduce((a, i) => a + Math.abs(Math.log(predictFromFeatures(S.ss[i].f, false, params).reposts / S.ss[i].final)), 0) / idx.length;
  let lo = 0, hi = 3;
  for (let it = 0; it < 30; it++) {
    const mid = (lo + hi) / 2;
    const p = { ...params, sigma: mid };
    const cov = idx.filter((i) => { const r = predictFromFeatures(S.ss[i].f, false, p); return r.low <= S.ss[i].final && S.ss[i].final <= r.high; }).length / idx.length;
    if (cov < 0.8) lo = mid; else hi = mid;
  }
  return { loss, params: { ...params, sigma: hi } };
}

function fitBest(all, idx, use) {
  let best = null;
  for (const S of all) { const r = fitStructure(S, idx, use); if (!best || r.loss < best.loss) best = { ...r, S }; }
  return best;
}

function run(name, cascades) {
  const spec = PROFILES[name];
  const all = spec.structures.map((st) => samples(cascades, st, spec.followers));
  const n = cascades.length, k = Math.min(FOLDS, n), N = all[0].ss.length;
  const held = [];
  for (let f = 0; f < k; f++) {
    const train = [...Array(N).keys()].filter((i) => all[0].ss[i].ci % k !== f);
    const test = [...Array(N).keys()].filter((i) => all[0].ss[i].ci % k === f);
    const best = fitBest(all, train, spec.use);
    for (const i of test) held.push({ w: best.S.ss[i].w, final: best.S.ss[i].final, r: predictFromFeatures(best.S.ss[i].f, false, best.params) });
  }
  console.log(`\n${name}: ${n} cascades, ${k}-fold cross-validation (held-out folds only; structure chosen inside each training part)`);
  for (const w of WINDOWS) {
    const r = held.filter((h) => h.w === w);
    const ape = r.map(({ r, final }) => Math.abs(Math.round(r.reposts) - final) / final);
    const cov = r.filter(({ r, final }) => r.low <= final && final <= r.high).length / r.length;
    console.log(`  window ${w} min: CV median APE ${median(ape).toFixed(3)}, 80% interval coverage ${cov.toFixed(2)}`);
  }
  const b = fitBest(all, [...Array(N).keys()], spec.use), p = b.params;
  const reach = b.S.ss.map((s) => s.f.x[3]);
  const round = (x) => +x.toFixed(4);
  console.log(`  fitted on all ${n} (train mean |log err| ${b.loss.toFixed(3)}):`);
  console.log(`    kernel: ${JSON.stringify(p.kernel)}, followerExponent: ${p.followerExponent}, gamma: ${p.gamma}, rootWeight: ${p.rootWeight}, alphaCoef: [${p.alphaCoef.map(round).join(', ')}], sigma: ${round(p.sigma)},`);
  if (spec.followers) console.log(`    reachRange: [${round(Math.min(...reach))}, ${round(Math.max(...reach))}]  (logMeanReach seen in training)`);
}

if (existsSync(files.twitter)) {
  const tw = read(files.twitter);
  run('twitter-followers', tw);
  run('twitter-counts', tw);
}
if (existsSync(files.weibo)) run('weibo-counts', read(files.weibo));
