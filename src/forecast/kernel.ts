// The SEISMIC memory kernel (Zhao et al., KDD 2015): how a post's or a repost's power to draw
// reposts is spread over the time since it appeared. Constant up to s0, then a power-law tail:
//   phi(s) = c              for 0 <= s <= s0
//   phi(s) = c (s/s0)^-(1+theta)  for s > s0
// Here c is chosen so phi integrates to 1 (c = theta / (s0 (1 + theta))), which keeps the
// infectiousness in "reposts per unit of reach" whatever s0 and theta are. The paper's Twitter
// values (s0 = 300 s, theta = 0.242, c = 6.49e-4) give c*s0*(1+1/theta) = 0.999, i.e. the same thing.

export interface KernelParams {
  /** length of the flat head of the kernel, seconds */
  s0: number;
  /** power-law exponent of the tail (heavier tail when smaller) */
  theta: number;
}

/** Height of the flat part of the kernel (per second). */
export function kernelHeight(k: KernelParams): number {
  return k.theta / (k.s0 * (1 + k.theta));
}

/** Kernel density phi(s) per second; 0 for s < 0. */
export function kernelDensity(s: number, k: KernelParams): number {
  if (s < 0) return 0;
  const c = kernelHeight(k);
  return s <= k.s0 ? c : c * Math.pow(s / k.s0, -(1 + k.theta));
}

/** Kernel CDF: the share of a node's total pull that has acted within s seconds. Phi(inf) = 1. */
export function kernelCdf(s: number, k: KernelParams): number {
  if (s <= 0) return 0;
  const c = kernelHeight(k);
  if (s <= k.s0) return c * s;
  return c * k.s0 + ((c * k.s0) / k.theta) * (1 - Math.pow(s / k.s0, -k.theta));
}

/** Draw a delay from the kernel by inverting the CDF (u uniform in [0,1)). Used by simulations. */
export function kernelQuantile(u: number, k: KernelParams): number {
  const c = kernelHeight(k);
  const head = c * k.s0;
  if (u <= head) return u / c;
  const rest = 1 - ((u - head) * k.theta) / head;
  if (rest <= 0) return Number.POSITIVE_INFINITY;
  return k.s0 * Math.pow(rest, -1 / k.theta);
}

/** First moment M(s) = integral_0^s x phi(x) dx (seconds); used by the triangular-window exposure. */
export function kernelFirstMoment(s: number, k: KernelParams): number {
  if (s <= 0) return 0;
  const c = kernelHeight(k);
  if (s <= k.s0) return (c * s * s) / 2;
  const head = (c * k.s0 * k.s0) / 2;
  const a = c * Math.pow(k.s0, 1 + k.theta);
  if (Math.abs(1 - k.theta) < 1e-9) return head + a * Math.log(s / k.s0);
  return head + (a * (Math.pow(s, 1 - k.theta) - Math.pow(k.s0, 1 - k.theta))) / (1 - k.theta);
}

/**
 * SEISMIC's locally weighted exposure of one node published at `ti`, seen at `t`, over the window
 * (t - w, t] with the triangular weight K(t - s) = 1 - (t - s)/w:
 *   integral_{t-w}^{t} (1 - (t - s)/w) phi(s - ti) ds
 * in closed form from the kernel CDF and first moment.
 */
export function triangularExposure(ti: number, t: number, w: number, k: KernelParams): number {
  const b = t - ti;
  if (b <= 0) return 0;
  const a = Math.max(0, t - w - ti);
  return (1 - b / w) * (kernelCdf(b, k) - kernelCdf(a, k)) + (kernelFirstMoment(b, k) - kernelFirstMoment(a, k)) / w;
}
