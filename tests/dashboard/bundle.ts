// Test helper for browser tests: build the dashboard bundle (dashboard/dist/app.js, with chart.js
// served locally) through the project's build when it is missing or older than its sources.
// `npm test` builds first, so this only builds when a browser test runs on its own.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const newest = (dir: string): number => Math.max(...readdirSync(dir, { withFileTypes: true })
  .map((d) => (d.isDirectory() ? newest(join(dir, d.name)) : statSync(join(dir, d.name)).mtimeMs)));

export async function ensureBundle(): Promise<void> {
  const out = join(ROOT, 'dashboard', 'dist', 'app.js');
  const vendor = join(ROOT, 'dashboard', 'dist', 'vendor', 'chart.umd.min.js');
  if (existsSync(out) && existsSync(vendor) && statSync(out).mtimeMs >= newest(join(ROOT, 'dashboard', 'src'))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'ignore' });
}
