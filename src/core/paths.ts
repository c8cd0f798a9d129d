// Where the installed package lives (works from src/ under tsx and from dist/src/ after a build),
// for the default rules, models and dashboard assets shipped with it.
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
export const MODELS_DIR = join(PACKAGE_ROOT, 'data', 'models');
export const DASHBOARD_DIR = join(PACKAGE_ROOT, 'dashboard');

/** A rules file from `rulesDir` if present there, else the packaged default. */
export function ruleFile(rulesDir: string, name: string): string {
  const own = join(rulesDir, name);
  return existsSync(own) ? own : join(DEFAULT_RULES_DIR, name);
}
