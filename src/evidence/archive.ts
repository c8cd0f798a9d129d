// Evidence archive: for incidents at P2 or higher, a screenshot (PNG) and an HTML snapshot of
// each key post's page, taken with puppeteer (system Chromium) and stored under
// data/evidence/<incident>/ with a row in incident_evidence (path relative to the evidence root,
// sha256). Posts get deleted; this keeps what the desk saw. Private and loopback addresses are
// refused (every request of the page, not just the first) unless env.allowPrivateHosts allows them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connection.js';
import type { Env } from '../config/env.js';
import { assertFetchable, BlockedHostError } from './host-guard.js';

export interface ArchiveOptions {
  env: Pick<Env, 'allowPrivateHosts' | 'puppeteerExecutablePath' | 'dbPath'>;
  now: () => Date;
  /** key posts to archive, most reposted first (default 5) */
  maxPosts?: number;
  /** where evidence goes (default <dir of the database>/evidence) */
  root?: string;
  /** per-page navigation timeout (default 20 s) */
  timeoutMs?: number;
  /** archive even below P2 (manual request from the dashboard) */
  force?: boolean;
}

export interface ArchiveItem { postPk: number; url: string; ok: boolean; error?: string; files: string[] }
export interface ArchiveResult { incidentId: string; skipped?: string; items: ArchiveItem[] }

const LEVEL_RANK: Record<string, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

export function evidenceRoot(env: Pick<Env, 'dbPath'>, root?: string): string {
  return root ?? join(env.dbPath === ':memory:' ? 'data' : join(env.dbPath, '..'), 'evidence');
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export async function archiveIncidentEvidence(db: Db, incidentId: string, opts: ArchiveOptions): Promise<ArchiveResult> {
  const inc = db.prepare('SELECT id, level, peak_risk FROM incidents WHERE id = ?').get(incidentId) as { id: string; level: string | null } | undefined;
  if (!inc) return { incidentId, skipped: 'no such incident', items: [] };
  const peakLevel = db.prepare('SELECT level FROM alerts WHERE incident_id = ? ORDER BY level LIMIT 1').pluck().get(incidentId) as string | undefined;
  const best = Math.min(LEVEL_RANK[inc.level ?? ''] ?? 9, LEVEL_RANK[peakLevel ?? ''] ?? 9);
  if (!opts.force && best > 2) return { incidentId, skipped: 'incident has not reached P2', items: [] };

  const done = new Set(db.prepare("SELECT post_pk FROM incident_evidence WHERE incident_id = ? AND kind = 'screenshot'").pluck().all(incidentId) as number[]);
  const posts = (db.prepare(`SELECT p.pk, p.url FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk
    WHERE ip.incident_id = ? AND p.url IS NOT NULL ORDER BY p.reposts DESC, p.author_followers DESC LIMIT ?`)
    .all(incidentId, (opts.maxPosts ?? 5) * 3) as { pk: number; url: string }[]).filter((p) => !done.has(p.pk)).slice(0, opts.maxPosts ?? 5);
  if (!posts.length) return { incidentId, skipped: done.size ? 'already archived' : 'no posts with a URL', items: [] };

  const root = evidenceRoot(opts.env, opts.root);
  const dir = join(root, incidentId.replace(/[^\w.-]/g, '_'));
  mkdirSync(dir, { recursive: true });
  const allow = opts.env.allowPrivateHosts;
  const timeout = opts.timeoutMs ?? 20_000;
  const execPath = opts.env.puppeteerExecutablePath ?? '/usr/bin/chromium';
  if (!existsSync(execPath)) return { incidentId, skipped: `Chromium not found at ${execPath} (apt-get install -y chromium fonts-wqy-microhei)`, items: [] };

  const { default: puppeteer } = await import('puppeteer');
  const browser = await puppeteer.launch({
    executablePath: execPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const ins = db.prepare('INSERT INTO incident_evidence (incident_id, post_pk, at, kind, path, sha256) VALUES (?, ?, ?, ?, ?, ?)');
  const items: ArchiveItem[] = [];
  try {
    for (const p of posts) {
      const item: ArchiveItem = { postPk: p.pk, url: p.url, ok: false, files: [] };
      items.push(item);
      const page = await browser.newPage();
      try {
        await assertFetchable(p.url, allow);
        await page.setJavaScriptEnabled(true);
        await page.setViewport({ width: 1280, height: 900 });
        await page.setRequestInterception(true);
        page.on('request', (req) => {
          const u = req.url();
          if (u.startsWith('data:') || u.startsWith('blob:')) return void req.continue();
          assertFetchable(u, allow).then(() => req.continue(), () => req.abort('blockedbyclient'));
        });
        await page.goto(p.url, { waitUntil: 'networkidle2', timeout });
        const stamp = opts.now().toISOString().replace(/[:.]/g, '-');
        const png = Buffer.from(await page.screenshot({ type: 'png', fullPage: false }));
        const html = await page.content();
        const base = `post-${p.pk}-${stamp}`;
        writeFileSync(join(dir, `${base}.png`), png);
        writeFileSync(join(dir, `${base}.html`), html, 'utf8');
        const at = opts.now().toISOString();
        const rel = (f: string) => join(incidentId.replace(/[^\w.-]/g, '_'), f);
        ins.run(incidentId, p.pk, at, 'screenshot', rel(`${base}.png`), sha256(png));
        ins.run(incidentId, p.pk, at, 'html', rel(`${base}.html`), sha256(html));
        item.files.push(rel(`${base}.png`), rel(`${base}.html`));
        item.ok = true;
      } catch (e) {
        item.error = e instanceof BlockedHostError ? `refused: ${e.message}` : (e as Error).message.split('\n')[0];
      } finally {
        await page.close().catch(() => undefined);
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
  }
  return { incidentId, items };
}
