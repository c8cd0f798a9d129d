// rules/alerting.yaml: receivers (one config per channel type), the routing tree, inhibition,
// quiet hours, escalation, source-health and follow-up settings, delivery retry policy.
// Validated with zod through yaml-file.ts (errors name the file, line and fix); `${ENV_NAME}` or
// `${ENV_NAME:-default}` in any string is substituted from the vars map passed in. A channel
// whose variable is unset is disabled with a warning (so a fresh checkout starts without secrets);
// elsewhere an unset variable is a ConfigError. A missing file means "no receivers".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { LEVELS, type Level } from '../core/alert.js';
import { lineOf, parseYamlText, zodToConfigError } from './yaml-file.js';
import { parseDuration } from '../alerting/duration.js';
import { CHANNELS } from '../alerting/channels/registry.js';

export interface Matcher { name: string; value: string; isRegex: boolean; isEqual: boolean }
export interface QuietHours { start: string; end: string; timezone: string; exceptLevels: Level[]; days: number[] | null }
export interface RouteNode {
  id: string;
  receiver: string;
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  repeatMax: number | null;
  matchers: Matcher[];
  continue: boolean;
  quietHours: QuietHours | null;
  routes: RouteNode[];
}
export interface ReceiverChannel { type: string; config: unknown }
export interface Receiver { name: string; channels: ReceiverChannel[]; sendResolved: boolean }
export interface InhibitRule { sourceMatchers: Matcher[]; targetMatchers: Matcher[]; equal: string[] }
export interface EscalationTier { afterMs: number; receiver: string; levels: Level[] }
export interface DeliveryPolicy { timeoutMs: number; initialBackoffMs: number; maxBackoffMs: number; maxAgeMs: number; concurrency: number }
export interface AlertingConfig {
  file: string | null;
  receivers: Map<string, Receiver>;
  route: RouteNode | null;
  inhibitRules: InhibitRule[];
  /** built-in: an incident's P1 mutes its lower levels; incident alerts mute per-post ones */
  defaultInhibition: boolean;
  quietHours: QuietHours | null;
  escalation: EscalationTier[];
  adminReceiver: string | null;
  sourceHealth: { errorStreak: number; zeroStreak: number };
  followUp: { afterMs: number; digestCron: string | null; receiver: string | null; timezone: string; owners: Record<string, string> };
  delivery: DeliveryPolicy;
  dashboardUrl: string | null;
  ackLinkTtlMs: number;
  /** problems that did not stop loading (e.g. a channel disabled for an unset variable) */
  warnings: string[];
  /** channels disabled because a variable they name is unset (the setup checklist names them) */
  disabledChannels?: DisabledChannel[];
}
export interface DisabledChannel { receiver: string; channel: string; variable: string; file: string; line: number | null }

const duration = z.union([z.string(), z.number()]).refine((v) => parseDuration(v) !== null, { message: 'not a duration (use e.g. 30s, 5m, 4h, 1d)' });
const matchValue = z.union([z.string(), z.number().transform(String), z.array(z.union([z.string(), z.number().transform(String)])).min(1)]);
const MATCH_LABELS = ['topic', 'level', 'source', 'category', 'incident', 'kind', 'state'] as const;
const matchMap = z.record(z.string(), matchValue).refine((m) => Object.keys(m).every((k) => (MATCH_LABELS as readonly string[]).includes(k)),
  { message: `match keys must be among: ${MATCH_LABELS.join(', ')}` });
const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'use HH:MM, e.g. 22:00');
const levelEnum = z.enum(LEVELS as unknown as [Level, ...Level[]]);
const quietSchema = z.object({
  start: hhmm, end: hhmm, timezone: z.string().optional(),
  except_levels: z.array(levelEnum).default(['P1']),
  days: z.array(z.number().int().min(0).max(6)).optional(),
}).strict();

interface RawRoute {
  receiver?: string; group_by?: string[]; group_wait?: string | number; group_interval?: string | number;
  repeat_interval?: string | number; repeat_max?: number; match?: Record<string, string | string[]>;
  match_re?: Record<string, string | string[]>; continue?: boolean; quiet_hours?: z.infer<typeof quietSchema>; routes?: RawRoute[];
}
const routeSchema: z.ZodType<RawRoute> = z.lazy(() => z.object({
  receiver: z.string().min(1).optional(),
  group_by: z.array(z.string()).optional(),
  group_wait: duration.optional(),
  group_interval: duration.optional(),
  repeat_interval: duration.optional(),
  repeat_max: z.number().int().min(0).optional(),
  match: matchMap.optional(),
  match_re: matchMap.optional(),
  continue: z.boolean().optional(),
  quiet_hours: quietSchema.optional(),
  routes: z.array(routeSchema).optional(),
}).strict()) as z.ZodType<RawRoute>;

const receiverShape: Record<string, z.ZodType> = { name: z.string().min(1), send_resolved: z.boolean().optional() };
for (const c of CHANNELS) receiverShape[c.type] = c.configSchema.optional();
const receiverSchema = z.object(receiverShape).strict();

const escalationTier = z.object({ after: duration, receiver: z.string().min(1), levels: z.array(levelEnum).default(['P1']) }).strict();
const inhibitSchema = z.object({
  source_match: matchMap.optional(), source_match_re: matchMap.optional(),
  target_match: matchMap.optional(), target_match_re: matchMap.optional(),
  equal: z.array(z.string()).default([]),
}).strict();

export const alertingSchema = z.object({
  receivers: z.array(receiverSchema).default([]),
  route: routeSchema.optional(),
  inhibit_rules: z.array(inhibitSchema).default([]),
  default_inhibition: z.boolean().default(true),
  quiet_hours: quietSchema.optional(),
  escalation: z.union([escalationTier, z.array(escalationTier)]).optional(),
  admin_receiver: z.string().optional(),
  source_health: z.object({ error_streak: z.number().int().min(1).default(3), zero_streak: z.number().int().min(1).default(3) }).strict().optional(),
  follow_up: z.object({
    after: duration.default('24h'), digest_cron: z.string().nullable().default('0 9 * * *'),
    receiver: z.string().optional(), timezone: z.string().optional(), owners: z.record(z.string(), z.string()).default({}),
  }).strict().optional(),
  delivery: z.object({
    timeout: duration.default('10s'), initial_backoff: duration.default('2s'), max_backoff: duration.default('5m'),
    max_age: duration.default('1h'), concurrency: z.number().int().min(1).max(64).default(4),
  }).strict().optional(),
  dashboard_url: z.string().url().optional(),
  ack_link_ttl: duration.optional(),
  timezone: z.string().optional(),
}).strict();

const KEYS: Record<string, readonly string[]> = {
  '': Object.keys(alertingSchema.shape),
  receiver: Object.keys(receiverShape),
  route: ['receiver', 'group_by', 'group_wait', 'group_interval', 'repeat_interval', 'repeat_max', 'match', 'match_re', 'continue', 'quiet_hours', 'routes'],
  quiet_hours: ['start', 'end', 'timezone', 'except_levels', 'days'],
  escalation: ['after', 'receiver', 'levels'],
  inhibit_rules: ['source_match', 'source_match_re', 'target_match', 'target_match_re', 'equal'],
  source_health: ['error_streak', 'zero_streak'],
  follow_up: ['after', 'digest_cron', 'receiver', 'timezone', 'owners'],
  delivery: ['timeout', 'initial_backoff', 'max_backoff', 'max_age', 'concurrency'],
};

function knownKeys(path: (string | number)[]): readonly string[] | undefined {
  if (path.length === 0) return KEYS[''];
  const last = path[path.length - 1];
  const strs = path.filter((p) => typeof p === 'string') as string[];
  const lastStr = strs[strs.length - 1];
  if (strs[0] === 'receivers' && typeof last === 'number') return KEYS.receiver;
  if (strs[0] === 'receivers' && typeof last === 'string') {
    const ch = CHANNELS.find((c) => c.type === last);
    const shape = (ch?.configSchema as unknown as { shape?: Record<string, unknown> })?.shape;
    return shape ? Object.keys(shape) : undefined;
  }
  if (lastStr === 'quiet_hours') return KEYS.quiet_hours;
  if (strs[0] === 'route' && (lastStr === 'route' || lastStr === 'routes')) return KEYS.route;
  return KEYS[lastStr];
}

const VAR_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Substitute ${VAR} in every string; returns the missing variable names per JSON path. */
function substitute(value: unknown, vars: Record<string, string | undefined>, path: (string | number)[], missing: { path: (string | number)[]; name: string }[]): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR_RE, (_m, name: string, def: string | undefined) => {
      const v = vars[name];
      if (v !== undefined && v !== '') return v;
      if (def !== undefined) return def;
      missing.push({ path, name });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, vars, [...path, i], missing));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, vars, [...path, k], missing);
    return out;
  }
  return value;
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

function toMatchers(match: Record<string, string | string[]> | undefined, matchRe: Record<string, string | string[]> | undefined, file: string, where: string): Matcher[] {
  const out: Matcher[] = [];
  for (const [name, v] of Object.entries(match ?? {})) {
    if (Array.isArray(v)) out.push({ name, value: v.map(escapeRe).join('|'), isRegex: true, isEqual: true });
    else out.push({ name, value: v, isRegex: false, isEqual: true });
  }
  for (const [name, v] of Object.entries(matchRe ?? {})) {
    const value = Array.isArray(v) ? v.join('|') : v;
    try { new RegExp(value); } catch (e) {
      throw new ConfigError(file, null, `${where}: match_re.${name} is not a valid regular expression (${(e as Error).message})`);
    }
    out.push({ name, value, isRegex: true, isEqual: true });
  }
  return out;
}

function ms(v: string | number | undefined, fallback: number): number { return v === undefined ? fallback : parseDuration(v) ?? fallback; }

function quiet(q: z.infer<typeof quietSchema> | undefined, tz: string): QuietHours | null {
  return q ? { start: q.start, end: q.end, timezone: q.timezone ?? tz, exceptLevels: q.except_levels, days: q.days ?? null } : null;
}

/** An empty configuration: alerts are recorded, nothing is sent. */
export function emptyAlertingConfig(timezone = 'Asia/Shanghai'): AlertingConfig {
  return {
    file: null, receivers: new Map(), route: null, inhibitRules: [], defaultInhibition: true, quietHours: null, escalation: [],
    adminReceiver: null, sourceHealth: { errorStreak: 3, zeroStreak: 3 },
    followUp: { afterMs: 86_400_000, digestCron: '0 9 * * *', receiver: null, timezone, owners: {} },
    delivery: { timeoutMs: 10_000, initialBackoffMs: 2_000, maxBackoffMs: 300_000, maxAgeMs: 3_600_000, concurrency: 4 },
    dashboardUrl: null, ackLinkTtlMs: 7 * 86_400_000, warnings: [],
  };
}

/** Validate alerting YAML text (exported for tests and the dashboard's config check). */
export function parseAlertingConfig(file: string, text: string, vars: Record<string, string | undefined> = {}, timezone = 'Asia/Shanghai'): AlertingConfig {
  const { doc, lines } = parseYamlText(file, text);
  const missing: { path: (string | number)[]; name: string }[] = [];
  const raw = substitute(doc.toJS() ?? {}, vars, [], missing);
  const warnings: string[] = [];
  const disabledChannels: DisabledChannel[] = [];
  for (const m of missing) {
    const [top, idx, type] = m.path;
    if (top === 'receivers' && typeof idx === 'number' && typeof type === 'string' && CHANNELS.some((c) => c.type === type)) {
      const rec = (raw as { receivers: Record<string, unknown>[] }).receivers[idx];
      if (rec && rec[type] !== undefined) {
        delete rec[type];
        disabledChannels.push({ receiver: String(rec.name), channel: type, variable: m.name, file, line: lineOf(doc, lines, m.path) ?? null });
        warnings.push(`${file} line ${lineOf(doc, lines, m.path) ?? '?'}: receiver '${String(rec.name)}': ${type} channel disabled because environment variable ${m.name} is not set`);
      }
      continue;
    }
    throw new ConfigError(file, lineOf(doc, lines, m.path), `environment variable ${m.name} is not set`, `set ${m.name} or write \${${m.name}:-default}`);
  }
  const r = alertingSchema.safeParse(raw);
  if (!r.success) throw zodToConfigError(file, doc, lines, r.error, knownKeys);
  const d = r.data;
  const tz = d.timezone ?? timezone;

  const receivers = new Map<string, Receiver>();
  d.receivers.forEach((rec, i) => {
    const name = rec.name as string;
    if (receivers.has(name)) throw new ConfigError(file, lineOf(doc, lines, ['receivers', i, 'name']), `receiver '${name}' is defined twice`, 'give each receiver a unique name');
    const channels: ReceiverChannel[] = [];
    for (const c of CHANNELS) if (rec[c.type] !== undefined) channels.push({ type: c.type, config: rec[c.type] });
    receivers.set(name, { name, channels, sendResolved: (rec.send_resolved as boolean | undefined) ?? true });
  });
  const needReceiver = (name: string | undefined, path: (string | number)[]): void => {
    if (name !== undefined && !receivers.has(name)) {
      throw new ConfigError(file, lineOf(doc, lines, path), `unknown receiver '${name}'`, receivers.size ? `defined receivers: ${[...receivers.keys()].join(', ')}` : 'add it under receivers:');
    }
  };

  let route: RouteNode | null = null;
  if (d.route) {
    const build = (rr: RawRoute, parent: RouteNode | null, path: (string | number)[], id: string): RouteNode => {
      needReceiver(rr.receiver, [...path, 'receiver']);
      const receiver = rr.receiver ?? parent?.receiver;
      if (!receiver) throw new ConfigError(file, lineOf(doc, lines, path), 'the top route needs a receiver', "add 'receiver: <name>' under route:");
      const node: RouteNode = {
        id, receiver,
        groupBy: rr.group_by ?? parent?.groupBy ?? ['topic', 'incident'],
        groupWaitMs: ms(rr.group_wait, parent?.groupWaitMs ?? 30_000),
        groupIntervalMs: ms(rr.group_interval, parent?.groupIntervalMs ?? 300_000),
        repeatIntervalMs: ms(rr.repeat_interval, parent?.repeatIntervalMs ?? 4 * 3_600_000),
        repeatMax: rr.repeat_max ?? parent?.repeatMax ?? null,
        matchers: toMatchers(rr.match, rr.match_re, file, `route ${id}`),
        continue: rr.continue ?? false,
        quietHours: rr.quiet_hours ? quiet(rr.quiet_hours, tz) : parent?.quietHours ?? quiet(d.quiet_hours, tz),
        routes: [],
      };
      node.routes = (rr.routes ?? []).map((c, i) => build(c, node, [...path, 'routes', i], `${id}.${i}`));
      return node;
    };
    route = build(d.route, null, ['route'], 'root');
  } else if (receivers.size) {
    throw new ConfigError(file, null, 'receivers are defined but there is no route', "add 'route: {receiver: <name>}'");
  }
  const tiers = d.escalation === undefined ? [] : Array.isArray(d.escalation) ? d.escalation : [d.escalation];
  tiers.forEach((t, i) => needReceiver(t.receiver, Array.isArray(d.escalation) ? ['escalation', i, 'receiver'] : ['escalation', 'receiver']));
  needReceiver(d.admin_receiver, ['admin_receiver']);
  needReceiver(d.follow_up?.receiver, ['follow_up', 'receiver']);
  const base = emptyAlertingConfig(tz);
  return {
    file,
    receivers,
    route,
    inhibitRules: d.inhibit_rules.map((ir, i) => ({
      sourceMatchers: toMatchers(ir.source_match, ir.source_match_re, file, `inhibit_rules[${i}]`),
      targetMatchers: toMatchers(ir.target_match, ir.target_match_re, file, `inhibit_rules[${i}]`),
      equal: ir.equal,
    })),
    defaultInhibition: d.default_inhibition,
    quietHours: quiet(d.quiet_hours, tz),
    escalation: tiers.map((t) => ({ afterMs: parseDuration(t.after)!, receiver: t.receiver, levels: t.levels })).sort((a, b) => a.afterMs - b.afterMs),
    adminReceiver: d.admin_receiver ?? null,
    sourceHealth: { errorStreak: d.source_health?.error_streak ?? 3, zeroStreak: d.source_health?.zero_streak ?? 3 },
    followUp: {
      afterMs: ms(d.follow_up?.after, base.followUp.afterMs),
      digestCron: d.follow_up ? d.follow_up.digest_cron : base.followUp.digestCron,
      receiver: d.follow_up?.receiver ?? null,
      timezone: d.follow_up?.timezone ?? tz,
      owners: d.follow_up?.owners ?? {},
    },
    delivery: d.delivery ? {
      timeoutMs: ms(d.delivery.timeout, 10_000), initialBackoffMs: ms(d.delivery.initial_backoff, 2_000),
      maxBackoffMs: ms(d.delivery.max_backoff, 300_000), maxAgeMs: ms(d.delivery.max_age, 3_600_000), concurrency: d.delivery.concurrency,
    } : base.delivery,
    dashboardUrl: d.dashboard_url ?? null,
    ackLinkTtlMs: ms(d.ack_link_ttl, base.ackLinkTtlMs),
    warnings,
    disabledChannels,
  };
}

/** Load `<rulesDir>/alerting.yaml` (or .yml). A missing file is an empty config, not an error. */
export function loadAlertingConfig(rulesDir: string, vars: Record<string, string | undefined> = {}, timezone = 'Asia/Shanghai'): AlertingConfig {
  const file = [join(rulesDir, 'alerting.yaml'), join(rulesDir, 'alerting.yml')].find((f) => existsSync(f));
  if (!file) return emptyAlertingConfig(timezone);
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new ConfigError(file, null, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseAlertingConfig(file, text, vars, timezone);
}
