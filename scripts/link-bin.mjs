#!/usr/bin/env node
// Make `node_modules/.bin/flarewatch` point at this checkout's CLI (bin/flarewatch, the sh entry), so `npx flarewatch` and the
// evaluation scripts find it in a development checkout (npm links bins only for dependencies).
import { existsSync, mkdirSync, rmSync, symlinkSync, lstatSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
if (existsSync(join(root, 'node_modules'))) {
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'flarewatch');
  try { if (lstatSync(link)) rmSync(link, { force: true }); } catch { /* absent */ }
  symlinkSync(join('..', '..', 'bin', 'flarewatch'), link);
}
