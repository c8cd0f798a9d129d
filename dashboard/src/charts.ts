// chart.js (served locally as /assets/vendor/chart.umd.min.js, global `Chart`) behind a tiny
// wrapper that destroys the previous chart on a canvas before drawing a new one. Labels and
// tooltips are drawn on canvas, so crawled text never reaches the DOM as markup.

interface ChartInstance { destroy(): void; update(mode?: string): void; data: { labels: unknown[]; datasets: { data: unknown[] }[] } }
type ChartCtor = new (el: HTMLCanvasElement, config: unknown) => ChartInstance;
declare global { interface Window { Chart?: ChartCtor } }

const charts = new WeakMap<HTMLCanvasElement, ChartInstance>();

export const PALETTE = ['#1f5fa8', '#b35900', '#2e7d32', '#8e24aa', '#00838f', '#b3261e', '#6d4c41', '#546e7a', '#c2185b', '#8a6d00'];

export function draw(canvas: HTMLCanvasElement, config: Record<string, unknown>): ChartInstance | null {
  charts.get(canvas)?.destroy();
  const C = window.Chart;
  if (!C) { canvas.replaceWith(document.createTextNode('chart.js not loaded')); return null; }
  const opts = (config.options ?? {}) as Record<string, unknown>;
  const chart = new C(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...opts } });
  charts.set(canvas, chart);
  canvas.dataset.drawn = '1';
  return chart;
}

export function chartBox(label: string, height = 260): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const box = document.createElement('div');
  box.className = 'chart-box';
  box.style.height = `${height}px`;
  box.appendChild(canvas);
  return { box, canvas };
}
