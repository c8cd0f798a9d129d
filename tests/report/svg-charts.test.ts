import { describe, expect, it } from 'vitest';
import { lineChart, niceTicks, sparkline, stackedBarChart } from '../../src/report/svg-charts.js';

describe('svg charts', () => {
  it('round ticks, integer ticks for counts', () => {
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(2, 5, true)).toEqual([0, 1, 2]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('escapes every label and series name', () => {
    const svg = lineChart({ title: '<b>t</b>', labels: ['<x>'], yLabel: 'a&b', series: [{ name: '"><script>alert(1)</script>', color: 'red', values: [50] }] });
    expect(svg).not.toMatch(/<script|<b>|<x>/);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg).toMatch(/<polyline|<circle/);
  });

  it('draws bars proportional to the values, and says when there is no data', () => {
    const svg = stackedBarChart({ title: 'v', labels: ['a', 'b'], yLabel: 'n', stacks: [{ name: 'neg', color: '#f00', values: [10, 5] }] });
    const heights = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="[^"]+"><title>/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect(heights[0] / heights[1]).toBeCloseTo(2, 1);
    expect(stackedBarChart({ title: 'v', labels: [], yLabel: 'n', stacks: [], emptyText: '本期无数据' })).toContain('本期无数据');
    expect(lineChart({ title: 'r', labels: ['a'], yLabel: 'n', series: [], emptyText: '本期无数据' })).toContain('本期无数据');
  });

  it('sparkline: empty without points, two shapes with posts and risk', () => {
    expect(sparkline([], [])).toBe('');
    const s = sparkline([{ at: '2026-03-03T00:00:00Z', posts: 1 }, { at: '2026-03-03T05:00:00Z', posts: 9 }], [{ at: '2026-03-03T01:00:00Z', risk: 80 }]);
    expect(s).toContain('<polygon');
    expect(s).toContain('<polyline');
  });
});
