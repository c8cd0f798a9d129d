// Server-side charts as inline SVG strings (line, stacked bars, sparkline), so an HTML report shows
// its charts with scripts blocked and nothing loaded, and the PDF has nothing to wait for. Every
// label passes through escapeXml; numbers are rounded before they are written.

export function escapeXml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface Series { name: string; color: string; values: (number | null)[] }

interface Frame { width: number; height: number; left: number; right: number; top: number; bottom: number }

const FONT = `font-family="'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif"`;
const r1 = (n: number) => Math.round(n * 10) / 10;

/** Round tick step (1, 2, 5 × 10^k) giving about `n` ticks up to `max`. */
export function niceTicks(max: number, n = 5, integer = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

function axes(f: Frame, ticks: number[], labels: string[], yLabel: string): string {
  const plotH = f.height - f.top - f.bottom;
  const top = ticks[ticks.length - 1] || 1;
  const parts: string[] = [];
  for (const t of ticks) {
    const y = r1(f.top + plotH - (t / top) * plotH);
    parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${f.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#555">${escapeXml(t)}</text>`);
  }
  const n = labels.length;
  const plotW = f.width - f.left - f.right;
  const every = Math.max(1, Math.ceil(n / 8));
  labels.forEach((l, i) => {
    if (i % every) return;
    const x = r1(f.left + (n <= 1 ? plotW / 2 : ((i + 0.5) / n) * plotW));
    parts.push(`<text x="${x}" y="${f.height - f.bottom + 16}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(l)}</text>`);
  });
  parts.push(`<text x="12" y="${f.top - 8}" font-size="11" fill="#555">${escapeXml(yLabel)}</text>`);
  parts.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.top + plotH}" y2="${f.top + plotH}" stroke="#999"/>`);
  return parts.join('');
}

function legend(series: { name: string; color: string }[], x: number, y: number): string {
  let cx = x;
  return series.map((s) => {
    const out = `<rect x="${cx}" y="${y - 9}" width="10" height="10" fill="${escapeXml(s.color)}"/><text x="${cx + 14}" y="${y}" font-size="11" fill="#333">${escapeXml(s.name)}</text>`;
    cx += 24 + [...s.name].reduce((w, ch) => w + (ch.charCodeAt(0) > 255 ? 11 : 6.5), 0);
    return out;
  }).join('');
}

function emptyNote(f: Frame, text = '–'): string {
  return `<text x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle" font-size="14" fill="#999">${escapeXml(text)}</text>`;
}

function svgOpen(w: number, h: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="${escapeXml(title)}" ${FONT}><title>${escapeXml(title)}</title>`;
}

export interface LineChartSpec { title: string; labels: string[]; series: Series[]; yLabel: string; yMax?: number; width?: number; height?: number; emptyText?: string }

export function lineChart(spec: LineChartSpec): string {
  const f: Frame = { width: spec.width ?? 760, height: spec.height ?? 260, left: 48, right: 16, top: 36, bottom: 28 };
  const dataMax = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => v != null)));
  const ticks = niceTicks(spec.yMax ?? dataMax);
  const top = ticks[ticks.length - 1] || 1;
  const plotW = f.width - f.left - f.right, plotH = f.height - f.top - f.bottom;
  const n = spec.labels.length;
  const x = (i: number) => r1(f.left + (n <= 1 ? plotW / 2 : ((i + 0.5) / n) * plotW));
  const y = (v: number) => r1(f.top + plotH - (Math.min(v, top) / top) * plotH);
  const lines = spec.series.map((s) => {
    const segs: string[] = [];
    let cur: string[] = [];
    s.values.forEach((v, i) => {
      if (v == null) { if (cur.length) segs.push(cur.join(' ')); cur = []; return; }
      cur.push(`${x(i)},${y(v)}`);
    });
    if (cur.length) segs.push(cur.join(' '));
    const dots = s.values.map((v, i) => (v == null ? '' : `<circle cx="${x(i)}" cy="${y(v)}" r="2" fill="${escapeXml(s.color)}"/>`)).join('');
    return segs.map((pts) => `<polyline fill="none" stroke="${escapeXml(s.color)}" stroke-width="2" points="${pts}"/>`).join('') + dots;
  }).join('');
  const empty = dataMax === 0 && !spec.series.some((s) => s.values.some((v) => v != null));
  return svgOpen(f.width, f.height, spec.title) + axes(f, ticks, spec.labels, spec.yLabel) + lines
    + (empty ? emptyNote(f, spec.emptyText) : '')
    + legend(spec.series, f.left + 120, 16) + '</svg>';
}

export interface BarChartSpec { title: string; labels: string[]; stacks: Series[]; yLabel: string; width?: number; height?: number; emptyText?: string }

export function stackedBarChart(spec: BarChartSpec): string {
  const f: Frame = { width: spec.width ?? 760, height: spec.height ?? 260, left: 48, right: 16, top: 36, bottom: 28 };
  const n = spec.labels.length;
  const totals = spec.labels.map((_, i) => spec.stacks.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const ticks = niceTicks(Math.max(0, ...totals), 5, true);
  const top = ticks[ticks.length - 1] || 1;
  const plotW = f.width - f.left - f.right, plotH = f.height - f.top - f.bottom;
  const slot = n ? plotW / n : plotW;
  const barW = r1(Math.max(2, Math.min(48, slot * 0.7)));
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    let base = 0;
    const cx = f.left + (i + 0.5) * slot;
    for (const s of spec.stacks) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const y0 = f.top + plotH - ((base + v) / top) * plotH;
      const h = (v / top) * plotH;
      bars.push(`<rect x="${r1(cx - barW / 2)}" y="${r1(y0)}" width="${barW}" height="${r1(Math.max(h, 0.5))}" fill="${escapeXml(s.color)}"><title>${escapeXml(`${spec.labels[i]} ${s.name}: ${v}`)}</title></rect>`);
      base += v;
    }
  }
  return svgOpen(f.width, f.height, spec.title) + axes(f, ticks, spec.labels, spec.yLabel) + bars.join('') + (bars.length ? '' : emptyNote(f, spec.emptyText))
    + legend(spec.stacks, f.left + 120, 16) + '</svg>';
}

/** A small two-line sparkline: cumulative posts (area) and risk (line, 0-100), over a shared time axis. */
export function sparkline(posts: { at: string; posts: number }[], risk: { at: string; risk: number }[], width = 220, height = 40): string {
  const times = [...posts.map((p) => Date.parse(p.at)), ...risk.map((r) => Date.parse(r.at))].filter(Number.isFinite);
  if (!times.length) return '';
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1);
  const x = (t: string) => r1(2 + ((Date.parse(t) - t0) / (t1 - t0)) * (width - 4));
  const maxP = Math.max(1, ...posts.map((p) => p.posts));
  const yP = (v: number) => r1(height - 2 - (v / maxP) * (height - 4));
  const yR = (v: number) => r1(height - 2 - (Math.min(100, v) / 100) * (height - 4));
  const area = posts.length ? `<polygon fill="#90caf9" fill-opacity="0.6" points="${x(posts[0].at)},${height - 2} ${posts.map((p) => `${x(p.at)},${yP(p.posts)}`).join(' ')} ${x(posts[posts.length - 1].at)},${height - 2}"/>` : '';
  const line = risk.length ? `<polyline fill="none" stroke="#d32f2f" stroke-width="1.5" points="${risk.map((r) => `${x(r.at)},${yR(r.risk)}`).join(' ')}"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${area}${line}</svg>`;
}
