// rules/danger.yaml's schema (zod) and its validation with file+line errors. Imported only by the
// synchronous loader and on a cache miss, so a warm `score` never loads zod or yaml.
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { lineOf, validateYamlText, objectKeys } from '../config/yaml-file.js';
import type { DangerRules } from './danger-scorer.js';

const TermSchema = z.union([
  z.string().min(1),
  z.number().transform((n) => String(n)),
  z.object({ term: z.union([z.string().min(1), z.number().transform((n) => String(n))]), weight: z.number().min(0).max(1) }).strict(),
]);
const FamilySchema = z.object({
  kind: z.enum(['hazard', 'official', 'exposure', 'turmoil', 'response', 'benign', 'debunk']),
  health: z.boolean().optional(),
  label: z.object({ zh: z.string().optional(), en: z.string().optional() }).strict().optional(),
  weight: z.number().min(0).max(1).default(1),
  source: z.string().optional(),
  terms: z.array(TermSchema).min(1),
}).strict();
const PatternSchema = z.object({
  family: z.string().min(1),
  weight: z.number().min(0).max(1),
  re: z.string().min(1),
  note: z.string().optional(),
}).strict();
export const DangerFileSchema = z.object({
  version: z.literal(1).optional(),
  negators: z.array(z.string().min(1)).default([]),
  families: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'family ids are lower-case words like foreign_object'), FamilySchema),
  patterns: z.array(PatternSchema).default([]),
  exclude: z.array(z.string().min(1)).default([]),
}).strict();

function knownKeys(path: (string | number)[]): readonly string[] | undefined {
  if (path.length === 0) return objectKeys(DangerFileSchema);
  if (path[0] === 'families' && path.length === 2) return objectKeys(FamilySchema);
  if (path[0] === 'patterns' && path.length === 2) return objectKeys(PatternSchema);
  return undefined;
}

/** Parse and validate danger rules text (throws ConfigError with the file and line). */
export function validateDangerText(file: string, text: string): DangerRules {
  const loaded = validateYamlText(file, text, DangerFileSchema, knownKeys);
  const rules = loaded.data as DangerRules;
  rules.patterns.forEach((p, i) => {
    const line = lineOf(loaded.doc, loaded.lines, ['patterns', i]);
    if (!rules.families[p.family]) throw new ConfigError(file, line, `pattern ${i + 1}: unknown family '${p.family}' (families: ${Object.keys(rules.families).join(', ')})`);
    try { new RegExp(p.re, 'u'); } catch (e) { throw new ConfigError(file, line, `pattern ${i + 1}: not a valid regular expression (${(e as Error).message})`); }
  });
  return rules;
}

