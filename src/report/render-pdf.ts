// The PDF report: the HTML report printed by puppeteer with the system Chromium (A4, backgrounds,
// page numbers in the footer). Every network request is refused, so a report can never fetch
// anything; charts are inline SVG, so printing waits only for the page load and the fonts.
import { existsSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { ReportData } from './report-data.js';
import { renderHtml } from './render-html.js';
import { words } from './i18n.js';
import { escapeXml } from './svg-charts.js';

/** No usable Chromium: names the package to install and the variable to set. */
export class ChromiumMissingError extends UserError {
  override name = 'ChromiumMissingError';
  constructor(detail: string) {
    super(`cannot print the PDF report: ${detail}`,
      'install Chromium and a CJK font (apt-get install -y chromium fonts-wqy-microhei) or set PUPPETEER_EXECUTABLE_PATH to a Chrome/Chromium binary');
  }
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--font-render-hinting=none'];

/** The Chromium binary to use: PUPPETEER_EXECUTABLE_PATH, else the usual system paths; null when none exists. */
export function findChromium(configured: string | null | undefined): string | null {
  if (configured) return existsSync(configured) ? configured : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export interface PdfOptions { executablePath?: string | null; timeoutMs?: number }

export async function htmlToPdf(html: string, footerTitle: string, opts: PdfOptions = {}): Promise<Buffer> {
  const exe = findChromium(opts.executablePath);
  if (!exe) {
    throw new ChromiumMissingError(opts.executablePath ? `PUPPETEER_EXECUTABLE_PATH=${opts.executablePath} does not exist` : `no Chromium found at ${CANDIDATES.join(', ')}`);
  }
  const { default: puppeteer } = await import('puppeteer');
  const timeout = opts.timeoutMs ?? 60_000;
  let browser;
  try {
    browser = await puppeteer.launch({ executablePath: exe, headless: true, args: CHROMIUM_ARGS, timeout });
  } catch (e) {
    throw new ChromiumMissingError(`Chromium at ${exe} did not start (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.url().startsWith('data:') || req.url() === 'about:blank') void req.continue();
      else void req.abort('blockedbyclient');
    });
    await page.setContent(html, { waitUntil: 'load', timeout });
    await page.evaluate(async () => { await document.fonts.ready; });
    const footer = `<div style="font-size:8px;width:100%;padding:0 10mm;color:#777;font-family:'WenQuanYi Micro Hei',sans-serif;display:flex;justify-content:space-between">
<span>${escapeXml(footerTitle)}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;
    const pdf = await page.pdf({
      format: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: '<div></div>', footerTemplate: footer,
      margin: { top: '14mm', bottom: '16mm', left: '10mm', right: '10mm' }, timeout,
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close().catch(() => {});
  }
}

export async function renderPdf(d: ReportData, opts: PdfOptions = {}): Promise<Buffer> {
  const w = words(d.lang);
  const topics = d.topics.map((t) => t.name).join('、') || w.allTopics;
  return htmlToPdf(renderHtml(d, { print: true }), `Flarewatch · ${d.title} · ${topics}`, opts);
}
