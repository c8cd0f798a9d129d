// The incident page's timeline: new posts per bucket (1 min … 1 day, chosen by the server from the
// incident's span) and the reposts gained so far (cumulative, from metric snapshots), with the
// forecast band in a column of its own. The reposts axis follows the actual series: a band that
// would dwarf it is clipped at the top and labelled with its numbers (drawn on the canvas). A
// forecast marked early (the post is under 15 min old or seen fewer than 3 times) is not drawn; the
// page says "too early to forecast (M reposts in N min)" instead.
import { t } from '../i18n.js';
import { fmtNum, TIME_ZONE } from '../format.js';
import { draw, bucketLabels, bucketTooltip, compact, legendBottom, repostAxis, timeAxis, BUCKET_MS, type BucketId } from '../charts.js';

export interface Forecast { reposts: number; low: number; high: number; early?: { reposts: number; minutes: number } }
export interface TimelineData {
  incident: { forecast: { reposts: number; low: number; high: number } | null };
  volume: { bucket: string; posts: number; reposts: number }[];
  volumeBucket?: string;
  timeZone?: string;
}

/** The forecast as the facts list shows it: the number and its 80% band, or why there is none yet. */
export function forecastText(f: Forecast | null | undefined): string {
  if (!f) return t('forecastNone');
  if (f.early) return t('forecastEarly').replace('{minutes}', fmtNum(f.early.minutes)).replace('{reposts}', fmtNum(f.early.reposts));
  return `${fmtNum(f.reposts)} (${fmtNum(f.low)}–${fmtNum(f.high)})`;
}

/** The forecast worth drawing: none when early. */
export function drawableForecast(f: Forecast | null | undefined): Forecast | null {
  return f && !f.early && Number.isFinite(f.reposts) ? f : null;
}

interface ChartLike {
  ctx: CanvasRenderingContext2D;
  chartArea: { top: number; bottom: number; left: number; right: number };
  scales: Record<string, { getPixelForValue(v: number): number }>;
}

export function incidentTimeline(canvas: HTMLCanvasElement, d: TimelineData): void {
  const bucket: BucketId = d.volumeBucket && d.volumeBucket in BUCKET_MS ? (d.volumeBucket as BucketId) : '1m';
  const zone = d.timeZone || TIME_ZONE;
  const starts = d.volume.map((v) => v.bucket);
  let cum = 0;
  const reposts = d.volume.map((v) => (cum += Number(v.reposts) || 0));
  const actualMax = reposts.length ? Math.max(...reposts) : 0;
  const f = drawableForecast(d.incident.forecast as Forecast | null);
  const axis = repostAxis(actualMax, f);
  const labels = [...bucketLabels(starts, bucket, zone), ...(f ? [t('forecastColumn')] : [])];
  const n = labels.length;
  const at = (i: number, v: unknown) => Array.from({ length: n }, (_, k) => (k === i ? v : null));
  const last = starts.length - 1;
  const dense = starts.length > 40;

  const datasets: Record<string, unknown>[] = [
    { type: 'bar', label: t('newPosts'), data: d.volume.map((v) => v.posts), backgroundColor: '#90a4ae', yAxisID: 'y', grouped: false, order: 3, pointStyle: 'rect' },
    { type: 'line', label: t('repostsCumulative'), data: reposts, borderColor: '#1f5fa8', backgroundColor: '#1f5fa8', yAxisID: 'y1', tension: 0.2, pointRadius: dense ? 0 : 2, borderWidth: 2, order: 1, pointStyle: 'line' },
  ];
  if (f) {
    // a clipped band is drawn from its low end (or just under the top) to the top of the axis; the label gives its numbers
    const band = axis.max === undefined ? [f.low, f.high] : [Math.min(f.low, axis.max * 0.9), axis.max];
    datasets.push(
      { type: 'bar', label: t('forecastBand'), data: at(n - 1, band), backgroundColor: 'rgba(179,89,0,0.22)', borderColor: 'rgba(179,89,0,0.7)', borderWidth: 1, borderSkipped: false, yAxisID: 'y1', grouped: false, order: 2, pointStyle: 'rect' },
      { type: 'line', label: t('forecast'), data: Array.from({ length: n }, (_, k) => (k === last && last >= 0 ? actualMax : k === n - 1 ? f.reposts : null)), borderColor: '#b35900', backgroundColor: '#b35900', borderDash: [5, 4], borderWidth: 2,
        pointStyle: (c: { dataIndex: number }) => (c.dataIndex === n - 1 ? 'circle' : 'line'), pointRadius: (c: { dataIndex: number }) => (c.dataIndex === n - 1 ? 4 : 0), spanGaps: true, yAxisID: 'y1', order: 0 },
    );
  }

  // the band's numbers at the top of its column, and whether it runs past the axis
  const forecastLabel = {
    id: 'forecastLabel',
    afterDatasetsDraw(chart: ChartLike) {
      if (!f) return;
      const { ctx, chartArea } = chart;
      const lines = [`${t('forecastColumn')} ${compact(f.reposts)}`, `${compact(f.low)}–${compact(f.high)}`, ...(axis.clipped ? [`↑ ${t('forecastAboveAxis')}`] : [])];
      ctx.save();
      ctx.font = '12px system-ui, "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
      const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 8;
      const lh = 15;
      // left of the forecast column, level with the top of the band, so neither hides the other
      const column = chart.scales.x.getPixelForValue(n - 1);
      const x = Math.max(chartArea.left + 2, column - w - 14);
      const top = axis.clipped ? chartArea.top + 2 : Math.min(chartArea.bottom - lines.length * lh - 6, Math.max(chartArea.top + 2, chart.scales.y1.getPixelForValue(f.high)));
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fillRect(x, top, w, lines.length * lh + 4);
      ctx.fillStyle = '#8a4500';
      ctx.textBaseline = 'top';
      lines.forEach((l, i) => ctx.fillText(l, x + 4, top + 3 + i * lh));
      ctx.restore();
    },
  };

  draw(canvas, {
    data: { labels, datasets },
    plugins: [forecastLabel],
    options: {
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { ...legendBottom(), labels: { ...(legendBottom().labels as Record<string, unknown>), usePointStyle: true, pointStyleWidth: 18 } },
        tooltip: { callbacks: {
          title: (items: { dataIndex: number }[]) => (items.length && items[0].dataIndex < starts.length
            ? (bucketTooltip(starts, bucket, zone).callbacks as { title: (i: { dataIndex: number }[]) => string }).title(items) : t('forecast')),
          label: (item: { dataset: { label: string }; raw: unknown }) => (Array.isArray(item.raw) && f
            ? `${item.dataset.label}: ${fmtNum(f.low)}–${fmtNum(f.high)}` : `${item.dataset.label}: ${fmtNum(item.raw)}`),
        } },
      },
      scales: {
        x: timeAxis(),
        y: { beginAtZero: true, position: 'left', ticks: { precision: 0 }, title: { display: true, text: t('newPosts') } },
        y1: { beginAtZero: true, position: 'right', max: axis.max, grid: { drawOnChartArea: false }, ticks: { callback: (v: number) => compact(v) }, title: { display: true, text: t('repostsCumulative') } },
      },
    },
  });
  canvas.dataset.bucket = bucket;
  canvas.dataset.forecast = f ? (axis.clipped ? 'clipped' : 'drawn') : 'none';
}
