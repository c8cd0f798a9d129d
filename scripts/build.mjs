#!/usr/bin/env node
// Build: transpile src/ and crawlers/ to dist/ (one .js per .ts, same layout, so the crawler
// registry can still scan its folder), copy SQL migrations, and bundle the dashboard front end
// (dashboard/src -> dashboard/dist) with chart.js served locally. Type checking is `npm run typecheck`.
import { build } from 'esbuild';
import { readdirSync, statSync, mkdirSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

// dist/ is not wiped first: concurrent builds and running CLIs must not see it vanish.
const files = [...walk(join(root, 'src')), ...walk(join(root, 'crawlers'))];
const entry = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
await build({
  entryPoints: entry,
  outdir: join(root, 'dist'),
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
// `score` starts once per input file, so its start-up counts: its build inlines the text modules
// (src/text/**, ~20 files) into one file, which loads in ~2 ms instead of ~8 ms. Everything else
// (core/errors, core/paths, dynamic imports, packages) stays an import of the shared built file,
// so error classes are the same objects the CLI's main module checks against.
const textDir = join(root, 'src', 'text') + '/';
const scoreEntry = join(root, 'src', 'cli', 'commands', 'score.ts');
await build({
  entryPoints: [scoreEntry],
  outfile: join(root, 'dist', 'src', 'cli', 'commands', 'score.js'),
  allowOverwrite: true,
  charset: 'utf8',
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [{
    name: 'inline-text-modules',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const abs = join(dirname(args.importer), args.path).replace(/\.js$/, '.ts');
        if (args.kind !== 'dynamic-import' && (abs.startsWith(textDir) || abs === scoreEntry)) return { path: abs };
        const built = join(root, 'dist', relative(root, abs)).replace(/\.ts$/, '.js');
        const rel = relative(join(root, 'dist', 'src', 'cli', 'commands'), built);
        return { path: rel.startsWith('.') ? rel : './' + rel, external: true };
      });
    },
  }],
});
for (const f of files.filter((f) => /\.(sql|json|txt|yaml|cjs)$/.test(f))) {
  const to = join(root, 'dist', relative(root, f));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(f, to);
}

// Dashboard: one bundle per page entry under dashboard/src/pages (or main.ts), plus vendor chart.js.
const dashSrc = join(root, 'dashboard', 'src');
const dashOut = join(root, 'dashboard', 'dist');
rmSync(dashOut, { recursive: true, force: true });
mkdirSync(join(dashOut, 'vendor'), { recursive: true });
// chart.js's package "exports" hide dist/chart.umd.min.js, so find it beside the CommonJS entry.
const chartDir = dirname(require.resolve('chart.js'));
copyFileSync(join(chartDir, 'chart.umd.min.js'), join(dashOut, 'vendor', 'chart.umd.min.js'));
if (existsSync(join(dashSrc, 'main.ts'))) {
  await build({
    entryPoints: [join(dashSrc, 'main.ts')],
    bundle: true,
    outfile: join(dashOut, 'app.js'),
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: true,
    logLevel: 'warning',
  });
}
console.error('build: ok');
