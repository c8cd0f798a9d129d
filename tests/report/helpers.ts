// Helpers for report tests: run the CLI in-process with captured output, and detect the external
// tools (Chromium, pdftotext) some tests need.
import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import { findChromium } from '../../src/report/render-pdf.js';

export interface CliResult { code: number; stdout: string; stderr: string }

export async function cli(argv: string[], now = new Date('2026-03-10T04:00:00Z')): Promise<CliResult> {
  const out = new PassThrough(), err = new PassThrough();
  const o: Buffer[] = [], e: Buffer[] = [];
  out.on('data', (b: Buffer) => o.push(b));
  err.on('data', (b: Buffer) => e.push(b));
  const code = await runCli(argv, { stdout: out, stderr: err, env: readEnv({}), now: () => now });
  return { code, stdout: Buffer.concat(o).toString('utf8'), stderr: Buffer.concat(e).toString('utf8') };
}

export const chromium = findChromium(process.env.PUPPETEER_EXECUTABLE_PATH || null);

function hasTool(name: string): boolean {
  try { execFileSync(name, ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}
export const hasPdftotext = hasTool('pdftotext');

export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

if (!chromium) console.warn('skipping PDF report tests: no Chromium (apt-get install -y chromium fonts-wqy-microhei, or set PUPPETEER_EXECUTABLE_PATH)');
if (!hasPdftotext) console.warn('skipping PDF text checks: pdftotext not found (apt-get install -y poppler-utils)');
