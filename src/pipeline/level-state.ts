// Level hysteresis for one incident, as a pure transition function (uptime-kuma style: alerts
// fire on state *changes* only).
//
//   state     | candidate vs firing level            | next
//   ----------+--------------------------------------+-------------------------------------------
//   quiet     | none                                 | quiet
//   quiet     | P3/P4, or P1/P2 with extreme severity| firing(candidate)            -> alert
//   quiet     | P1/P2                                | pending(candidate) + firing at P3 -> alert
//   pending   | held >= pendingFor                   | firing(candidate)            -> alert
//   firing    | higher                               | pending (P1/P2) or firing(candidate) -> alert
//   firing    | lower, for >= keepFiringFor          | firing(lower)                -> alert
//   firing    | none, for >= resolveAfter (calm)     | resolved                     -> alert (resolved)
//   resolved  | any candidate                        | as quiet (the incident re-opens)
import { LEVEL_RANK, type Level } from '../core/alert.js';

export interface LevelTiming {
  /** how long a P1/P2 candidate must hold before it fires */
  pendingMs: number;
  /** how long a lower candidate must hold before the level is lowered */
  keepFiringMs: number;
  /** how long without any candidate before the incident resolves */
  resolveAfterMs: number;
}

export interface LevelState {
  state: 'quiet' | 'firing' | 'resolved';
  level: Level | null;
  /** a higher level waiting out its pending period */
  pendingLevel: Level | null;
  pendingSince: number | null;
  /** since when the candidate has been below the firing level (or absent) */
  lowerSince: number | null;
  lowerLevel: Level | null;
}

export const initialLevelState = (): LevelState => ({ state: 'quiet', level: null, pendingLevel: null, pendingSince: null, lowerSince: null, lowerLevel: null });

export interface Transition { kind: 'fire' | 'change' | 'resolve'; level: Level }

const higher = (a: Level, b: Level | null) => b === null || LEVEL_RANK[a] < LEVEL_RANK[b];

/**
 * Advance the state. `candidate` is the level the current risk calls for (null: below P4);
 * `urgent` skips the pending period (extreme severity). Returns the new state and the alert-worthy
 * transition, if any.
 */
export function stepLevel(prev: LevelState, candidate: Level | null, urgent: boolean, now: number, t: LevelTiming): { next: LevelState; transition: Transition | null } {
  const s: LevelState = { ...prev };
  const firing = s.state === 'firing' ? s.level : null;
  if (candidate && higher(candidate, firing)) {
    s.lowerSince = null; s.lowerLevel = null;
    const needsPending = LEVEL_RANK[candidate] <= 2 && !urgent;
    if (needsPending) {
      if (s.pendingLevel === null || higher(candidate, s.pendingLevel) || s.pendingSince === null) {
        // keep the original pending start when escalating P2 -> P1 inside the pending window
        s.pendingSince = s.pendingLevel ? s.pendingSince ?? now : now;
        s.pendingLevel = candidate;
      }
      if (now - (s.pendingSince ?? now) >= t.pendingMs) {
        return fire(s, candidate);
      }
      // while pending, make sure the incident is at least visible at P3
      if (firing === null) return fire({ ...s }, 'P3', true);
      return { next: s, transition: null };
    }
    return fire(s, candidate);
  }
  // candidate is not above the firing level
  if (s.pendingLevel && (!candidate || !higher(candidate, firing) && candidate !== s.pendingLevel)) {
    // pending level no longer supported
    if (!candidate || LEVEL_RANK[candidate] > LEVEL_RANK[s.pendingLevel]) { s.pendingLevel = null; s.pendingSince = null; }
  }
  if (s.state !== 'firing' || firing === null) return { next: s, transition: null };
  if (candidate === firing) { s.lowerSince = null; s.lowerLevel = null; return { next: s, transition: null }; }
  // lower or no candidate
  if (s.lowerSince === null) { s.lowerSince = now; s.lowerLevel = candidate; }
  else if (candidate === null || s.lowerLevel === null || higher(candidate, s.lowerLevel)) s.lowerLevel = candidate ?? s.lowerLevel;
  if (candidate === null && now - s.lowerSince >= t.resolveAfterMs) {
    const level = firing;
    return { next: { ...initialLevelState(), state: 'resolved' }, transition: { kind: 'resolve', level } };
  }
  if (candidate !== null && now - s.lowerSince >= t.keepFiringMs) {
    s.level = candidate; s.lowerSince = null; s.lowerLevel = null;
    return { next: s, transition: { kind: 'change', level: candidate } };
  }
  return { next: s, transition: null };
}

function fire(s: LevelState, level: Level, keepPending = false): { next: LevelState; transition: Transition } {
  const wasFiring = s.state === 'firing' && s.level !== null;
  const next: LevelState = {
    ...s, state: 'firing', level, lowerSince: null, lowerLevel: null,
    pendingLevel: keepPending ? s.pendingLevel : null, pendingSince: keepPending ? s.pendingSince : null,
  };
  return { next, transition: { kind: wasFiring ? 'change' : 'fire', level } };
}
