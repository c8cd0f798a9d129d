// Calibrated SEISMIC constants per platform and per mode (reposters' followers known or not).
// How they were obtained: see the comment on each profile and scripts/calibrate-forecast.mjs.
import type { SeismicParams } from './seismic.js';

export type ProfileName = 'twitter-followers' | 'twitter-counts' | 'weibo-counts';

// PLACEHOLDER values (paper's Twitter kernel) until calibration fills them in.
export const PROFILES: Record<ProfileName, SeismicParams> = {
  'twitter-followers': {
    kernel: { s0: 300, theta: 0.242 }, alpha: 1, gamma: 1, maxBranching: 0.95, rootWeight: 10,
    priorEvents: 1, priorInfectiousness: 0.1, sigma: 0.5,
  },
  'twitter-counts': {
    kernel: { s0: 300, theta: 0.242 }, alpha: 1, gamma: 1, maxBranching: 0.95, rootWeight: 10,
    priorEvents: 1, priorInfectiousness: 0.1, sigma: 0.5,
  },
  'weibo-counts': {
    kernel: { s0: 300, theta: 0.242 }, alpha: 1, gamma: 1, maxBranching: 0.95, rootWeight: 10,
    priorEvents: 1, priorInfectiousness: 0.1, sigma: 0.5,
  },
};

/**
 * Which constants fit a post. Twitter-like platforms with reposters' follower counts use the
 * follower-weighted fit; everything without follower counts uses the event-count fit of its
 * platform (Weibo's for Chinese platforms and anything unknown, whose reposting pace is closer to
 * Weibo's). A Weibo cascade with follower counts uses the Twitter follower fit's weighting.
 */
export function pickProfile(source: string, hasFollowers: boolean): ProfileName {
  const s = source.toLowerCase();
  const twitterLike = s === 'twitter' || s === 'x' || s === 'reddit' || s === 'hn' || s === 'mastodon';
  if (twitterLike) return hasFollowers ? 'twitter-followers' : 'twitter-counts';
  return hasFollowers ? 'twitter-followers' : 'weibo-counts';
}
