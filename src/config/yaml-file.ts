// Load a YAML file and validate it with a zod schema. Every problem becomes a ConfigError that
// names the file, the line and a hint ("rules/topics/acme.yaml line 4: unknown field 'qeury'
// (did you mean 'query'?)").
import { readFileSync } from 'node:fs';
import { parseDocument, isMap, isSeq, LineCounter, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';

export interface LoadedYaml<T> { file: string; data: T; doc: Document; lines: LineCounter }

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) { bestD = dist; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function nodeAt(doc: Document, path: (string | number)[]): Node | undefined {
  let node: unknown = doc.contents;
  let last: unknown = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      if (!pair) return last as Node;
      last = pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      node = node.items[Number(key)];
    } else return last as Node;
    if (node) last = node;
  }
  return (node ?? last) as Node;
}

/** 1-based line of the YAML node at `path`, or null. */
export function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | null {
  const n = nodeAt(doc, path) as { range?: [number, number, number] } | undefined;
  if (!n?.range) return null;
  return lines.linePos(n.range[0]).line;
}

/** Parse YAML text into a document, throwing ConfigError on syntax errors. */
export function parseYamlText(file: string, text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? null;
    throw new ConfigError(file, line, `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      'check indentation (spaces, not tabs) and that every "key: value" has a space after the colon');
  }
  // some mistakes only show when the document is turned into values (an alias to a missing anchor)
  try {
    doc.toJS();
  } catch (e) {
    const m = /\*([\w-]+)/.exec((e as Error).message) ?? /:\s*([\w-]+)\s*$/.exec((e as Error).message);
    const at = m ? text.indexOf(`*${m[1]}`) : -1;
    throw new ConfigError(file, at >= 0 ? lines.linePos(at).line : null, `YAML: ${(e as Error).message.split('\n')[0]}`,
      'define the anchor (&name) before using the alias (*name), or quote a value that starts with *');
  }
  return { doc, lines };
}

/** Turn the first zod issue into a ConfigError pointing at the line. */
export function zodToConfigError(file: string, doc: Document, lines: LineCounter, error: z.ZodError, knownKeys?: (path: (string | number)[]) => readonly string[] | undefined): ConfigError {
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    const key = (issue as { keys: string[] }).keys[0];
    const line = lineOf(doc, lines, [...path, key]);
    const known = knownKeys?.(path) ?? [];
    const guess = didYouMean(key, known);
    return new ConfigError(file, line, `unknown field '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}`,
      known.length ? `allowed fields here: ${known.join(', ')}` : undefined);
  }
  const line = lineOf(doc, lines, path);
  const where = path.length ? `field '${path.join('.')}'` : 'file';
  let hint: string | undefined;
  if (issue.code === 'invalid_type' && /undefined|received undefined/i.test(issue.message)) hint = `add '${path[path.length - 1]}:' here`;
  if (issue.code === 'invalid_value' && 'values' in issue) hint = `use one of: ${(issue.values as unknown[]).join(', ')}`;
  return new ConfigError(file, line, `${where}: ${issue.message}`, hint);
}

/** Read, parse and validate a YAML file. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S, knownKeys?: (path: (string | number)[]) => readonly string[] | undefined): LoadedYaml<z.infer<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, null, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return validateYamlText(file, text, schema, knownKeys);
}

export function validateYamlText<S extends z.ZodType>(file: string, text: string, schema: S, knownKeys?: (path: (string | number)[]) => readonly string[] | undefined): LoadedYaml<z.infer<S>> {
  const { doc, lines } = parseYamlText(file, text);
  const r = schema.safeParse(doc.toJS());
  if (!r.success) throw zodToConfigError(file, doc, lines, r.error, knownKeys);
  return { file, data: r.data, doc, lines };
}

/** Field names of a zod object schema, for "did you mean" hints. */
export function objectKeys(schema: unknown): readonly string[] | undefined {
  const shape = (schema as { shape?: Record<string, unknown> })?.shape;
  return shape ? Object.keys(shape) : undefined;
}
