// Load a YAML file and validate it with a zod schema. Every problem becomes a ConfigError that
// names the file, the line and a hint ("rules/topics/acme.yaml line 4: unknown field 'qeury'
// (did you mean 'query'?)").
import { readFileSync } from 'node:fs';
import { parseDocument, isMap, isSeq, LineCounter, Parser, type Document, type Node, type YAMLError } from 'yaml';
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

/** A quoted scalar's source ends with its closing quote (not an escaped one). */
function quoteCloses(source: string): boolean {
  const q = source[0];
  const body = source.trimEnd();
  if (body.length < 2 || !body.endsWith(q)) return false;
  if (q === "'") return true; // '' inside single quotes is an escaped quote, but the scalar still ends on a quote
  return (/\\*$/.exec(body.slice(0, -1))?.[0].length ?? 0) % 2 === 0;
}

/** Offset of the first quoted scalar or flow collection ([...], {...}) the text never closes, or null. */
function firstUnclosed(text: string): number | null {
  let best: number | null = null;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const n of node) visit(n); return; }
    const t = node as { type?: string; offset?: number; source?: string; end?: { type?: string }[] };
    if (typeof t.offset === 'number') {
      const quote = (t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && typeof t.source === 'string' && !quoteCloses(t.source);
      const flow = t.type === 'flow-collection' && !(t.end ?? []).some((e) => e.type === 'flow-map-end' || e.type === 'flow-seq-end');
      if ((quote || flow) && (best === null || t.offset < best)) best = t.offset;
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') visit(v);
  };
  for (const token of new Parser().parse(text)) visit(token);
  return best;
}

/**
 * The 1-based line a person must fix for the parser's first error. The parser places some errors
 * where the construct it was reading began, which is not where the mistake is: a line indented
 * under a plain value (`query: b` then `  x: 1`) is reported at the value, one line early; an
 * unclosed quote or bracket is reported past the last line, or where the next key is found inside
 * it. Those are moved to the indented line and to the opening quote or bracket.
 */
export function yamlErrorLine(text: string, lines: LineCounter, errors: readonly YAMLError[]): number | null {
  const first = errors[0];
  if (!first?.pos) return null;
  const start = first.pos[0];
  const contentEnd = text.trimEnd().length;
  if (start >= contentEnd || first.code === 'BAD_INDENT' || first.code === 'MISSING_CHAR') {
    const open = firstUnclosed(text);
    if (open !== null && open <= start) return lines.linePos(open).line;
    if (start >= contentEnd) return lines.linePos(Math.max(0, contentEnd - 1)).line;
  }
  // the errors raised at the same place, and how far the construct they complain about runs
  const end = Math.max(...errors.filter((e) => e.pos?.[0] === start).map((e) => e.pos[1]));
  const nl = text.indexOf('\n', start);
  if (nl >= 0 && nl + 1 < end) {
    const indent = (at: number) => /^[ \t]*/.exec(text.slice(at))![0].length;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (indent(nl + 1) > indent(lineStart)) return lines.linePos(nl + 1).line;
  }
  return lines.linePos(start).line;
}

/** Parse YAML text into a document, throwing ConfigError on syntax errors. */
export function parseYamlText(file: string, text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const more = doc.errors.length - 1;
    throw new ConfigError(file, yamlErrorLine(text, lines, doc.errors), `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      `check indentation (spaces, not tabs) and that every "key: value" has a space after the colon${more ? `; ${more} more problem${more > 1 ? 's' : ''} may follow from this one` : ''}`);
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
