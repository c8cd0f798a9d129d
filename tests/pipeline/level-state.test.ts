import { describe, expect, it } from 'vitest';
import { initialLevelState, stepLevel, type LevelState } from '../../src/pipeline/level-state.js';

const T = { pendingMs: 10 * 60_000, keepFiringMs: 30 * 60_000, resolveAfterMs: 60 * 60_000 };
const min = 60_000;

function run(steps: [number, 'P1' | 'P2' | 'P3' | 'P4' | null, boolean?][]) {
  let s: LevelState = initialLevelState();
  const out: string[] = [];
  for (const [t, c, urgent] of steps) {
    const r = stepLevel(s, c, urgent ?? false, t * min, T);
    s = r.next;
    if (r.transition) out.push(`${t}:${r.transition.kind}:${r.transition.level}`);
  }
  return { out, s };
}

describe('stepLevel', () => {
  it('fires P3/P4 at once', () => {
    expect(run([[0, 'P4'], [5, 'P3']]).out).toEqual(['0:fire:P4', '5:change:P3']);
  });
  it('holds P1/P2 pending, showing P3 meanwhile, then fires', () => {
    expect(run([[0, 'P2'], [5, 'P2'], [10, 'P2']]).out).toEqual(['0:fire:P3', '10:change:P2']);
  });
  it('drops a pending P2 that does not hold', () => {
    const r = run([[0, 'P2'], [5, 'P4'], [10, 'P2'], [15, 'P2']]);
    expect(r.out).toEqual(['0:fire:P3']);
    expect(r.s.pendingLevel).toBe('P2');
  });
  it('skips pending when urgent', () => {
    expect(run([[0, 'P1', true]]).out).toEqual(['0:fire:P1']);
  });
  it('keeps firing a higher level until the lower one has held', () => {
    expect(run([[0, 'P3'], [5, 'P4'], [20, 'P4'], [35, 'P4']]).out).toEqual(['0:fire:P3', '35:change:P4']);
  });
  it('resolves only after a calm period and can fire again', () => {
    const r = run([[0, 'P4'], [10, null], [40, null], [70, null], [80, 'P4']]);
    expect(r.out).toEqual(['0:fire:P4', '70:resolve:P4', '80:fire:P4']);
  });
  it('a brief dip does not resolve', () => {
    expect(run([[0, 'P3'], [10, null], [20, 'P3'], [90, 'P3']]).out).toEqual(['0:fire:P3']);
  });
});
