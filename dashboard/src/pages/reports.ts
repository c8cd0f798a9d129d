// Reports: the analysts' full report of a period (PDF, XLSX, HTML, CSV, JSON), and alerts,
// incidents (CSV or JSON) and the matching posts (CSV).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { qs } from '../api.js';
import { section, type PageCtx } from '../ctx.js';

const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

export function reportsPage(ctx: PageCtx): void {
  // the last seven calendar days, today included (a week: the report is titled 周报)
  const from = h('input', { id: 'r-from', type: 'date', value: day(new Date(Date.now() - 6 * 86_400_000)) });
  const to = h('input', { id: 'r-to', type: 'date', value: day(new Date(Date.now() + 86_400_000)) });
  const links = h('ul', { className: 'downloads' });
  const refresh = () => {
    const p = { from: from.value ? `${from.value}T00:00:00+08:00` : '', to: to.value ? `${to.value}T00:00:00+08:00` : '' };
    const full = { ...p, to: to.value ? `${to.value}T00:00:00+08:00` : '' };
    // CSV holds one table per file: the full report's CSV download is a zip of all of them
    mount(links, ...['pdf', 'xlsx', 'html', 'csv', 'json'].map((f) =>
      h('li', null, h('a', { href: `/api/v1/reports/full${qs({ ...full, format: f, table: f === 'csv' ? 'all' : undefined })}`, download: '' }, `${t('fullReport')} (${f === 'csv' ? 'CSV, ZIP' : f.toUpperCase()})`))),
    ...[['alerts', 'csv'], ['alerts', 'json'], ['incidents', 'csv'], ['incidents', 'json']].map(([w, f]) =>
      h('li', null, h('a', { href: `/api/v1/reports/${w}.${f}${qs(p)}`, download: '' }, `${t(w)} (${f.toUpperCase()})`))),
    h('li', null, h('a', { href: `/api/v1/posts/export.csv${qs({ ...p, limit: 50000 })}`, download: '' }, `${t('posts')} (CSV)`)));
  };
  from.addEventListener('change', refresh);
  to.addEventListener('change', refresh);
  refresh();
  mount(ctx.root, h('h1', null, t('reports')), section(t('downloadReports'),
    h('div', { className: 'row' }, h('label', { for: 'r-from' }, t('from')), from, h('label', { for: 'r-to' }, t('to')), to), links));
}
