// The adapter registry: scans the crawlers/ folder at run time (*.ts from source under
// vitest/tsx, *.js under dist/ after the build), imports each file's default export and refuses
// duplicate ids. crawlers/lib/ holds shared helpers and is not scanned.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../core/errors.js';
import type { AnyAdapter } from './adapter.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
/** src/crawl -> ../../crawlers (also dist/src/crawl -> dist/crawlers) */
export const CRAWLERS_DIR = join(HERE, '..', '..', 'crawlers');

export class DuplicateAdapterError extends Error {
  override name = 'DuplicateAdapterError';
}

export class UnknownAdapterError extends UserError {
  override name = 'UnknownAdapterError';
}

function isAdapter(v: unknown): v is AnyAdapter {
  const a = v as AnyAdapter;
  return !!a && typeof a === 'object' && typeof a.id === 'string' && typeof a.parse === 'function' && !!a.params;
}

let cache: Promise<Map<string, AnyAdapter>> | null = null;

export async function loadAdapters(dir = CRAWLERS_DIR): Promise<Map<string, AnyAdapter>> {
  if (dir === CRAWLERS_DIR && cache) return cache;
  const p = (async () => {
    const map = new Map<string, AnyAdapter>();
    if (!existsSync(dir)) return map;
    const files = readdirSync(dir).filter((f) => f.endsWith(EXT) && !f.endsWith('.d.ts') && !f.endsWith('.test' + EXT)).sort();
    for (const f of files) {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default?: unknown };
      if (!isAdapter(mod.default)) continue;
      const a = mod.default;
      const prev = map.get(a.id);
      if (prev) throw new DuplicateAdapterError(`adapter id '${a.id}' is defined twice (crawlers/${f} and another file)`);
      map.set(a.id, a);
    }
    return map;
  })();
  if (dir === CRAWLERS_DIR) cache = p;
  return p;
}

export async function getAdapter(id: string, dir?: string): Promise<AnyAdapter> {
  const all = await loadAdapters(dir);
  const a = all.get(id);
  if (!a) throw new UnknownAdapterError(`unknown adapter '${id}'`, `one of: ${[...all.keys()].sort().join(', ')}`);
  return a;
}
