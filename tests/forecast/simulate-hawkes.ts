// Test helper: simulate a self-exciting repost cascade with a known SEISMIC kernel and
// infectiousness (each node with reach w draws Poisson(p * w) direct reposts, delays from the kernel).
import { kernelQuantile, type KernelParams } from '../../src/forecast/kernel.js';

/** Small seeded PRNG (mulberry32) so simulations are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, u: () => number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(u)));
  const l = Math.exp(-mean);
  let k = 0, p = 1;
  do { k++; p *= u(); } while (p > l);
  return k - 1;
}

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
}

export interface SimRepost { t: number; followers: number | null }

/**
 * Simulate reposts (times in seconds) up to `horizon`. `reach()` draws a reposter's reach in
 * mean-reposter units (1 when all are alike); followers = reach * followerUnit when given.
 */
export function simulateCascade(opts: {
  kernel: KernelParams; p: number; rootWeight: number; horizon: number; seed: number;
  reach?: (u: () => number) => number; followerUnit?: number; maxEvents?: number;
}): SimRepost[] {
  const u = rng(opts.seed);
  const reach = opts.reach ?? (() => 1);
  const out: SimRepost[] = [];
  const queue: { t: number; w: number }[] = [{ t: 0, w: opts.rootWeight }];
  const max = opts.maxEvents ?? 50_000;
  while (queue.length > 0 && out.length < max) {
    const node = queue.pop()!;
    const n = poisson(opts.p * node.w, u);
    for (let i = 0; i < n; i++) {
      const t = node.t + kernelQuantile(u(), opts.kernel);
      if (!(t <= opts.horizon)) continue;
      const w = reach(u);
      out.push({ t, followers: opts.followerUnit ? Math.round(w * opts.followerUnit) : null });
      queue.push({ t, w });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}
