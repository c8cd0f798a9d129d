// Fuzzing the YAML config loaders (topics, sources, alerting, risk, severity, reports) with
// fast-check: random text, random YAML values, and mutations of the shipped rules files. A loader
// either returns a config or throws ConfigError (a UserError with file and line); never another
// error class, never a crash. Long variant (more runs): FLAREWATCH_LONG_TESTS=1.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { ConfigError } from '../../src/core/errors.js';
import { loadTopics } from '../../src/config/topics-config.js';
import { loadAlertingConfig } from '../../src/config/alerting-config.js';
import { loadRiskConfig } from '../../src/config/risk-config.js';
import { loadSourcesConfig } from '../../src/crawl/sources-config.js';
import { loadReportsConfig } from '../../src/report/reports-config.js';
import { parseSeverityText } from '../../src/text/severity.js';
import { compileQuery } from '../../src/query/index.js';

const RUNS = process.env.FLAREWATCH_LONG_TESTS ? 1500 : 120;
const RULES = new URL('../../rules/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fw-fuzz-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Loader = { file: string; shipped: string; load: (rulesDir: string, path: string, text: string) => unknown };
const LOADERS: Record<string, Loader> = {
  topics: { file: 'topics/t.yaml', shipped: 'topics/example-brand.yaml', load: (d) => loadTopics(d, (q) => compileQuery(q)) },
  sources: { file: 'sources.yaml', shipped: 'sources.yaml', load: (d) => loadSourcesConfig(d) },
  alerting: { file: 'alerting.yaml', shipped: 'alerting.yaml', load: (d) => loadAlertingConfig(d, { FLAREWATCH_WEBHOOK_URL: 'http://127.0.0.1:9/hook' }) },
  risk: { file: 'risk.yaml', shipped: 'risk.yaml', load: (d) => loadRiskConfig(d) },
  severity: { file: 'severity.yaml', shipped: 'severity.yaml', load: (_d, p, text) => parseSeverityText(p, text) },
  reports: { file: 'reports.yaml', shipped: 'reports.yaml', load: (d) => loadReportsConfig(d) },
};

let n = 0;
/** Write `text` as the loader's file in a fresh rules folder and load it; return the error, if any. */
function attempt(l: Loader, text: string): unknown {
  const d = join(dir, String(n++));
  mkdirSync(join(d, 'topics'), { recursive: true });
  const p = join(d, l.file);
  writeFileSync(p, text);
  try { l.load(d, p, text); return null; } catch (e) { return e; } finally { rmSync(d, { recursive: true, force: true }); }
}

function expectTyped(e: unknown, text: string): void {
  if (e === null) return;
  if (!(e instanceof ConfigError)) throw new Error(`not a ConfigError (${(e as Error)?.name}: ${(e as Error)?.message}) for input:\n${text}`);
  expect(e.message.length).toBeGreaterThan(0);
}

const yamlValue = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('id', 'name', 'query', 'receivers', 'route', 'weights', 'levels', 'timing', 'sources', 'adapter', 'url', 'schedule', 'terms', 'recipients', 'cron')), tie('v'), { maxKeys: 5 })),
})).v;

/** Mutate text: delete, duplicate or replace a slice, or splice in YAML-significant characters. */
const mutation = (src: string) => fc.tuple(fc.nat(src.length), fc.nat(40), fc.constantFrom('del', 'dup', 'ins', 'indent'), fc.constantFrom(':', '- ', '\t', '"', "'", '{', '[', '&a', '*a', '!!binary', '\n  ', '${X}', '%', '#', '?', '|', '>', '\u0000', '星'))
  .map(([at, len, op, s]) => op === 'del' ? src.slice(0, at) + src.slice(at + len) : op === 'dup' ? src.slice(0, at + len) + src.slice(at) : op === 'ins' ? src.slice(0, at) + s + src.slice(at) : src.slice(0, at) + '  ' + src.slice(at));

describe.each(Object.entries(LOADERS))('%s loader', (_name, l) => {
  const shipped = readFileSync(join(RULES, l.shipped), 'utf8');
  it('accepts the shipped file', () => expect(attempt(l, shipped)).toBeNull());
  it('random text: only ConfigError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (t) => expectTyped(attempt(l, t), t)), { numRuns: RUNS });
  });
  it('random YAML values: only ConfigError', () => {
    fc.assert(fc.property(yamlValue, (v) => { const t = stringify(v); expectTyped(attempt(l, t), t); }), { numRuns: RUNS });
  });
  it('mutations of the shipped file: only ConfigError', () => {
    fc.assert(fc.property(mutation(shipped).chain((m1) => fc.oneof(fc.constant(m1), mutation(m1))), (t) => expectTyped(attempt(l, t), t)), { numRuns: RUNS });
  });
  it('an unresolved alias is a ConfigError with its line', () => {
    const e = attempt(l, 'x: 1\na: *missing\n');
    expectTyped(e, 'a: *missing');
    expect(String((e as Error).message)).toMatch(/line 2/);
  });
});
