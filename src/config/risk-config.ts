// Risk weights, level thresholds and timing from rules/risk.yaml (all optional: defaults below
// are the tuned values). Validated with zod; mistakes name the file and line.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadYamlFile, objectKeys } from './yaml-file.js';

const duration = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'use a duration like 30s, 10m, 2h or 1d')])
  .transform((v) => (typeof v === 'number' ? v * 1000 : parseDuration(v)));

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(s.trim());
  if (!m) throw new Error(`not a duration: ${s}`);
  const k = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
  return Number(m[1]) * k;
}

const weights = z.object({
  severity: z.number().min(0).default(30),
  velocity: z.number().min(0).default(25),
  forecast: z.number().min(0).default(20),
  reach: z.number().min(0).default(5),
  novelty: z.number().min(0).default(25),
  spread: z.number().min(0).default(10),
  negativity: z.number().min(0).default(10),
  trend: z.number().min(0).default(30),
  virality: z.number().min(0).default(10),
}).strict();

const scales = z.object({
  /** reposts+comments per hour that earns the full velocity weight */
  velocity_full: z.number().positive().default(1500),
  /** forecast reposts that earns the full forecast weight */
  forecast_full: z.number().positive().default(20000),
  /** -log10 p of the volume anomaly that earns the full novelty weight */
  novelty_full: z.number().positive().default(12),
  /** followers that earn the full reach weight */
  reach_full: z.number().positive().default(1e7),
}).strict();

const hotList = z.object({
  /** headline danger (rules/danger.yaml) at which a topic on the list is P2 at once */
  danger: z.number().min(0).max(1).default(0.5),
  /** this many topics of one story that read as trouble make it P1 (so do a health hazard and an official action) */
  p1_topics: z.number().int().min(1).default(2),
}).strict();

export const riskConfigSchema = z.object({
  weights: weights.default(weights.parse({})),
  scales: scales.default(scales.parse({})),
  levels: z.object({
    P1: z.number().min(0).max(100).default(80),
    P2: z.number().min(0).max(100).default(60),
    P3: z.number().min(0).max(100).default(40),
    P4: z.number().min(0).max(100).default(30),
  }).strict().default({ P1: 80, P2: 60, P3: 40, P4: 30 }),
  /** negative share (reach-weighted) below which reach, velocity and forecast count for little */
  negative_share_min: z.number().min(0).max(1).default(0.35),
  /** points from velocity, forecast, novelty, spread and reach needed before P1/P2 */
  spread_evidence_min: z.number().min(0).default(30),
  /** a severe allegation alone raises at least a P4, however small its reach */
  severe_alone: z.number().min(0).max(1).default(0.55),
  /** severity that, with real velocity, skips the pending period */
  urgent_severity: z.number().min(0).max(1).default(0.85),
  urgent_velocity: z.number().min(0).default(200),
  /** multiplier for coordinated (bot-like) bursts */
  coordinated_damping: z.number().min(0).max(1).default(0.5),
  timing: z.object({
    pending: duration.default(300_000),
    keep_firing: duration.default(1_800_000),
    resolve_after: duration.default(6 * 3_600_000),
    /** posts further apart than this do not join the same incident */
    incident_window: duration.default(48 * 3_600_000),
    /** the least time between two scorings of one incident (and between topic surge checks) */
    evaluate_every: duration.default(60_000),
  }).strict().default({ pending: 300_000, keep_firing: 1_800_000, resolve_after: 21_600_000, incident_window: 172_800_000, evaluate_every: 60_000 }),
  forecast_horizon: duration.default(24 * 3_600_000),
  /** hot lists (weibo-hot, baidu-hot, ...): a watched name there already has reach */
  hot_list: hotList.default(hotList.parse({})),
}).strict();

export type RiskConfig = z.infer<typeof riskConfigSchema>;

export const defaultRiskConfig = (): RiskConfig => riskConfigSchema.parse({});

export function loadRiskConfig(rulesDir: string): RiskConfig {
  const file = join(rulesDir, 'risk.yaml');
  if (!existsSync(file)) return defaultRiskConfig();
  const keys: Record<string, readonly string[] | undefined> = {
    '': objectKeys(riskConfigSchema), weights: objectKeys(weights), scales: objectKeys(scales),
    levels: ['P1', 'P2', 'P3', 'P4'], hot_list: objectKeys(hotList), timing: ['pending', 'keep_firing', 'resolve_after', 'incident_window', 'evaluate_every'],
  };
  return loadYamlFile(file, riskConfigSchema, (p) => keys[p.join('.')]).data;
}
