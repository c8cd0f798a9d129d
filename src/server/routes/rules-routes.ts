// Topics and rules: list the topic files, read one, validate edited YAML (errors with file, line
// and hint, as the loader reports them), save it (admin), and try a query against recent posts.
// The reserved config files (alerting.yaml, sources.yaml, ...) are not topic files: only an admin
// may read them here, with secrets redacted, and nobody may overwrite them with a topic.
import { Router } from 'express';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { requireRole } from '../security.js';
import { audit, int, sendError, str } from '../route-helpers.js';
import { searchPosts } from '../post-search.js';
import { postRow } from './read-routes.js';
import { RESERVED_RULE_FILES, topicFiles, topicSchema } from '../../config/topics-config.js';
import { redactRuleFile } from '../rule-file-redact.js';
import { validateYamlText, lineOf, objectKeys } from '../../config/yaml-file.js';
import { compileQuery } from '../../query/index.js';
import { ConfigError, UserError } from '../../core/errors.js';

const listSchema = z.object({ topics: z.array(topicSchema) }).strict();
const fileSchema = z.union([listSchema, topicSchema]);
const NAME = /^(topics\/)?[\w.-]{1,80}\.ya?ml$/;

/** alerting.yaml, sources.yaml, ... at the top of the rules folder (a file of that name under topics/ is a topic file). */
export const isReservedRuleFile = (name: string): boolean => !name.includes('/') && RESERVED_RULE_FILES.has(name.replace(/\.ya?ml$/, '').toLowerCase());

function refuseReserved(name: string): void {
  if (isReservedRuleFile(name)) {
    throw new UserError(`${name} is a configuration file, not a topic file: it cannot be saved from here`,
      'save a topic under another name, e.g. topics/brand-x.yaml; edit the configuration files on the server');
  }
}

/** Validate a topic file's text exactly as the loader would; returns the topics or throws ConfigError. */
export function validateTopicText(file: string, text: string): { id: string; name: string; query: string }[] {
  // validate against the branch the file means, so zod reports the field (and line) at fault
  // instead of a union mismatch at line 1
  const listFile = /^topics\s*:/m.test(text);
  const { data, doc, lines } = validateYamlText(file, text, listFile ? listSchema : topicSchema as z.ZodType<z.infer<typeof fileSchema>>, (path) =>
    path.length === 0 || (path[0] === 'topics' && path.length === 2) ? objectKeys(topicSchema) : undefined);
  const list = 'topics' in data ? data.topics : [data];
  list.forEach((t, i) => {
    try { compileQuery(t.query); } catch (e) {
      const col = (e as { column?: number }).column;
      throw new ConfigError(file, lineOf(doc, lines, [...('topics' in data ? ['topics', i] : []), 'query']),
        `query: ${(e as Error).message.split('\n')[0]}${col ? ` (column ${col})` : ''}`,
        'queries use terms, "phrases", AND, OR, NOT / -term, ( ), NEAR/n, source:, author:, title:');
    }
  });
  return list.map((t) => ({ id: t.id, name: t.name, query: t.query }));
}

export function rulesRoutes(deps: AppDeps): Router {
  const r = Router();
  const dir = () => deps.rulesDir ?? deps.env.rulesDir;
  const resolveName = (name: unknown): { name: string; path: string } => {
    if (typeof name !== 'string' || !NAME.test(name) || name.includes('..')) throw new UserError(`invalid rule file name '${String(name)}'`, 'use e.g. brand-x.yaml or topics/brand-x.yaml');
    return { name, path: join(dir(), name) };
  };

  r.get('/rules', requireRole('viewer'), (_req, res) => {
    try {
      const files = existsSync(dir()) ? topicFiles(dir()) : [];
      res.json({
        dir: dir(),
        files: files.map((f) => {
          const name = relative(dir(), f);
          let topics: { id: string; name: string; query: string }[] = [];
          let error: { message: string; line: number | null; hint: string | null } | null = null;
          try { topics = validateTopicText(name, readFileSync(f, 'utf8')); } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            error = { message: e.message.split('\n')[0], line: e.line, hint: e.hint ?? null };
          }
          return { name, topics, error };
        }),
      });
    } catch (e) { sendError(res, e); }
  });

  r.get('/rules/file', requireRole('viewer'), (req, res) => {
    try {
      const { name, path } = resolveName(req.query.name);
      const reserved = isReservedRuleFile(name);
      if (reserved && req.user!.role !== 'admin') {
        return void res.status(403).json({ error: `${name} is a configuration file (it may hold receiver secrets): only an admin may read it`, hint: 'topic files are listed by GET /api/v1/rules' });
      }
      if (!existsSync(path)) return void res.status(404).json({ error: `no rule file ${name}` });
      const text = readFileSync(path, 'utf8');
      res.json({ name, text: reserved ? redactRuleFile(text) : text, ...(reserved ? { redacted: true } : {}) });
    } catch (e) { sendError(res, e); }
  });

  r.post('/rules/validate', requireRole('viewer'), (req, res) => {
    try {
      const { name } = resolveName((req.body as { name?: unknown })?.name);
      refuseReserved(name);
      const text = str((req.body as { text?: unknown })?.text) ?? '';
      res.json({ ok: true, topics: validateTopicText(name, text) });
    } catch (e) { sendError(res, e); }
  });

  r.put('/rules/file', requireRole('admin'), (req, res) => {
    try {
      const { name, path } = resolveName((req.body as { name?: unknown })?.name);
      refuseReserved(name);
      const text = str((req.body as { text?: unknown })?.text) ?? '';
      if (text.length > 200_000) throw new UserError('rule file too large', 'keep a topic file under 200 kB');
      const topics = validateTopicText(name, text);
      // ids must stay unique across files
      for (const f of existsSync(dir()) ? topicFiles(dir()) : []) {
        if (relative(dir(), f) === name) continue;
        try {
          for (const t of validateTopicText(relative(dir(), f), readFileSync(f, 'utf8')))
            if (topics.some((x) => x.id === t.id)) throw new ConfigError(name, null, `duplicate topic id '${t.id}' (also in ${relative(dir(), f)})`, 'give each topic a unique id');
        } catch (e) { if (!(e instanceof ConfigError) || e.file === name) throw e; }
      }
      mkdirSync(join(path, '..'), { recursive: true });
      const tmp = join(path, '..', `.${basename(path)}.tmp`);
      writeFileSync(tmp, text, 'utf8');
      renameSync(tmp, path);
      audit(deps.db, deps.now(), req.user!.username, 'rules.save', `rules:${name}`, { topics: topics.map((t) => t.id) });
      res.json({ ok: true, topics, note: 'saved; the pipeline picks the change up on its next rules reload' });
    } catch (e) { sendError(res, e); }
  });

  r.post('/rules/test', requireRole('viewer'), (req, res) => {
    try {
      const query = str((req.body as { query?: unknown })?.query);
      if (!query) throw new UserError('empty query', 'send {"query": "..."}');
      const hours = int((req.body as { hours?: unknown })?.hours, 72, 24 * 90);
      const from = new Date(deps.now().getTime() - hours * 3_600_000).toISOString();
      const result = searchPosts(deps.db, { q: query, from, limit: int((req.body as { limit?: unknown })?.limit, 50, 500) });
      res.json({ posts: result.posts.map(postRow), scanned: result.scanned, truncated: result.truncated, hours });
    } catch (e) { sendError(res, e); }
  });
  return r;
}
