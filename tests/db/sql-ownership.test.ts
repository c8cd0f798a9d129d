// One owner per table: SQL is written only in src/db (the store layer, the connection and its
// migrations). Everything else calls store methods, so a second database needs no change outside
// src/db. The store, in turn, depends on no layer above it (pipeline, server, alerting, desk, CLI).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Statement calls, and SQL text inside string literals (comments stripped first). */
const PATTERNS: [string, RegExp][] = [
  ['prepare()', /\.prepare\(/],
  ['pragma()', /\.pragma\(/],
  ['transaction()', /\bdb\.transaction\(|\.transaction\(\(\)/],
  ['exec() of SQL', /\bdb\.exec\(/],
  ['SELECT … FROM', /['"`][^'"`]*\bSELECT\b[^'"`]*\bFROM\b/],
  ['INSERT INTO', /['"`][^'"`]*\bINSERT\s+(OR\s+\w+\s+)?INTO\b/],
  ['UPDATE … SET', /['"`][^'"`]*\bUPDATE\s+\w+\s+SET\b/],
  ['DELETE FROM', /['"`][^'"`]*\bDELETE\s+FROM\b/],
];

const stripComments = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

describe('SQL has one home', () => {
  it('no module outside src/db writes SQL', () => {
    const files = [...walk(join(root, 'src')), ...walk(join(root, 'crawlers'))].filter((f) => !relative(root, f).startsWith('src/db/'));
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const f of files) {
      const lines = stripComments(readFileSync(f, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const [what, re] of PATTERNS) if (re.test(line)) found.push(`${relative(root, f)}:${i + 1}: ${what}: ${line.trim().slice(0, 100)}`);
      });
    }
    expect(found, 'move these statements into a store module in src/db/store').toEqual([]);
  });

  it('the store depends on no layer above it', () => {
    const above = /from '(\.\.\/)+(pipeline|server|alerting|desk|runtime|cli|crawl|queue|report)\//;
    const found = walk(join(root, 'src', 'db')).flatMap((f) => readFileSync(f, 'utf8').split('\n')
      .filter((l) => /^import /.test(l) && !/^import type /.test(l) && above.test(l)).map((l) => `${relative(root, f)}: ${l}`));
    expect(found).toEqual([]);
  });

  it('the check itself sees SQL where it is', () => {
    const sample = stripComments("const x = db.prepare('SELECT id FROM incidents'); // SELECT in a comment FROM here");
    expect(PATTERNS.filter(([, re]) => re.test(sample)).map(([w]) => w)).toEqual(['prepare()', 'SELECT … FROM']);
    expect(PATTERNS.some(([, re]) => re.test(stripComments('// SELECT a FROM b')))).toBe(false);
  });
});
