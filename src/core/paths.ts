// Where the installed package lives (works from src/ under tsx and from dist/src/ after a build),
// for the default rules and dashboard assets shipped with it (one finder for the whole package).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'flarewatch.js'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const PACKAGE_ROOT = findRoot();
export const DEFAULT_RULES_DIR = join(PACKAGE_ROOT, 'rules');
export const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dashboard');
