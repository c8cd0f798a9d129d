// Load everything the pipeline needs from a rules folder: topics (queries compiled and checked),
// risk weights, and the wired text/forecast/signal modules.
import type { Db } from '../db/connection.js';
import { loadTopics } from '../config/topics-config.js';
import { loadRiskConfig } from '../config/risk-config.js';
import { ConfigError } from '../core/errors.js';
import { createDefaultDeps } from './deps.js';
import { Pipeline, type PipelineOptions } from './pipeline.js';

/** Load and check the rules (topics, risk) and build the modules the pipeline uses. */
export async function loadPipelineRules(rulesDir: string) {
  const { compileQuery } = await import('../query/index.js');
  const topics = loadTopics(rulesDir, compileQuery);
  if (!topics.length) throw new ConfigError(rulesDir, null, 'no watch topics found', 'add a YAML file with id, name and query (see README: "Add a watch topic")');
  const risk = loadRiskConfig(rulesDir);
  const deps = await createDefaultDeps(topics, rulesDir);
  return { topics, risk, deps };
}

export async function createPipelineFromRules(db: Db, rulesDir: string, opts: PipelineOptions = {}): Promise<Pipeline> {
  const { topics, risk, deps } = await loadPipelineRules(rulesDir);
  return new Pipeline(db, topics, risk, deps, opts);
}
