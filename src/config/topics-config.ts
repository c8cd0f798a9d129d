// Watch topics from rules/ (contracts.md §4): every *.yaml in the rules folder and in
// rules/topics/ that is not one of the reserved config files is a topic file, holding one topic
// (`id`, `name`, `query`) or a list under `topics:`. Validated with zod; the query is compiled
// here so a syntax error is reported with the file and line.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { lineOf, objectKeys, parseYamlText, validateYamlText } from './yaml-file.js';

export const RESERVED_RULE_FILES = new Set(['alerting', 'severity', 'danger', 'risk', 'sources', 'reports', 'settings']);

export const topicSchema = z.object({
  id: z.string().regex(/^[\w.-]+$/, 'use letters, digits, "-", "_" or "." only').max(64),
  name: z.string().min(1),
  query: z.string().min(1),
  enabled: z.boolean().default(true),
  description: z.string().optional(),
  /** words jieba must keep whole (brand and product names); the query's terms are added anyway */
  keywords: z.array(z.string()).default([]),
  owner: z.string().optional(),
}).strict();

export type TopicConfig = z.infer<typeof topicSchema> & { file: string; line: number | null };

const listSchema = z.object({ topics: z.array(topicSchema) }).strict();

export function topicFiles(rulesDir: string): string[] {
  if (!existsSync(rulesDir)) throw new ConfigError(rulesDir, null, 'rules folder not found', 'create it, or point FLAREWATCH_RULES / --rules at the folder holding your topic files');
  const out: string[] = [];
  for (const dir of [rulesDir, join(rulesDir, 'topics')]) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      if (dir === rulesDir && RESERVED_RULE_FILES.has(f.replace(/\.ya?ml$/, ''))) continue;
      out.push(join(dir, f));
    }
  }
  return out;
}

/**
 * Load and validate every topic. `compile` (the query compiler) is injected so this module does
 * not depend on the query engine; it must throw an error with a `column` for syntax errors.
 */
export function loadTopics(rulesDir: string, compile?: (q: string) => unknown): TopicConfig[] {
  const topics: TopicConfig[] = [];
  const seen = new Map<string, string>();
  for (const file of topicFiles(rulesDir)) {
    // a file holds either one topic or a list under `topics:`; pick the schema by shape so the
    // error points at the real mistake
    const raw = readFileSync(file, 'utf8');
    const isList = (() => { try { const v = parseYamlText(file, raw).doc.toJS() as unknown; return !!v && typeof v === 'object' && 'topics' in (v as object); } catch { return false; } })();
    const keys = (path: (string | number)[]) => (isList ? (path[0] === 'topics' && path.length === 2 ? objectKeys(topicSchema) : path.length === 0 ? ['topics'] : undefined) : path.length === 0 ? objectKeys(topicSchema) : undefined);
    const { data, doc, lines } = isList ? validateYamlText(file, raw, listSchema, keys) : validateYamlText(file, raw, topicSchema, keys);
    const list = isList ? (data as z.infer<typeof listSchema>).topics : [data as z.infer<typeof topicSchema>];
    list.forEach((t, i) => {
      const base = isList ? ['topics', i] : [];
      const line = lineOf(doc, lines, [...base, 'query']);
      if (seen.has(t.id)) throw new ConfigError(file, lineOf(doc, lines, [...base, 'id']), `duplicate topic id '${t.id}' (also in ${seen.get(t.id)})`, 'give each topic a unique id');
      seen.set(t.id, file);
      if (compile) {
        try {
          compile(t.query);
        } catch (e) {
          const col = (e as { column?: number }).column;
          throw new ConfigError(file, line, `query: ${(e as Error).message.split('\n')[0]}${col ? ` (column ${col})` : ''}`,
            'queries use terms, "phrases", AND, OR, NOT / -term, ( ), NEAR/n, source:, author:, title:');
        }
      }
      topics.push({ ...t, file, line });
    });
  }
  return topics;
}
