// The rules/severity.yaml schema (zod) and its loading with file+line errors; the scorer itself is in
// severity-scorer.ts (re-exported here), the JSON cache that skips YAML parsing and validation on a
// warm start in severity-cache.ts.
import { z } from 'zod';
import { loadYamlFile, validateYamlText, objectKeys } from '../config/yaml-file.js';
import { SeverityScorer, type SeverityRules } from './severity-scorer.js';

export { SeverityScorer, type Severity, type SeverityRules } from './severity-scorer.js';

const TermSchema = z.union([
  z.string().min(1),
  z.number().transform((n) => String(n)),
  z.object({ term: z.union([z.string().min(1), z.number().transform((n) => String(n))]), weight: z.number().min(0).max(1) }).strict(),
]);
const CategorySchema = z.object({
  label: z.string().optional(),
  weight: z.number().min(0).max(1).default(1),
  negatable: z.boolean().default(true),
  terms: z.array(TermSchema).min(1),
}).strict();
export const SeverityFileSchema = z.object({
  version: z.literal(1).optional(),
  negators: z.array(z.string().min(1)).default([]),
  categories: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'category ids are lower-case words like mass_action'), CategorySchema),
}).strict();
export type SeverityFile = z.infer<typeof SeverityFileSchema>;

function knownKeys(path: (string | number)[]): readonly string[] | undefined {
  if (path.length === 0) return objectKeys(SeverityFileSchema);
  if (path[0] === 'categories' && path.length === 2) return objectKeys(CategorySchema);
  if (path[0] === 'categories' && path.length === 4) return ['term', 'weight'];
  return undefined;
}

/** Parse and validate severity rules text (throws ConfigError with file and line). */
export function validateSeverityText(file: string, text: string): SeverityRules {
  return validateYamlText(file, text, SeverityFileSchema, knownKeys).data;
}

export function loadSeverityFile(file: string): SeverityScorer {
  return new SeverityScorer(loadYamlFile(file, SeverityFileSchema, knownKeys).data);
}

export function parseSeverityText(file: string, text: string): SeverityScorer {
  return new SeverityScorer(validateYamlText(file, text, SeverityFileSchema, knownKeys).data);
}
