#!/usr/bin/env node
// flarewatch command-line entry. Runs the built code in dist/ (made by `npm run build`, which
// `npm ci` runs through `prepare`); falls back to the TypeScript sources through tsx in a checkout
// that has not been built.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

process.env.DOTENV_CONFIG_QUIET ??= 'true';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'cli', 'main.js');
let main;
if (existsSync(built)) {
  main = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
process.exitCode = await main.runCli(process.argv.slice(2));
