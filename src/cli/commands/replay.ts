// `flarewatch replay --rules DIR --in observations.jsonl --out alerts.jsonl [--db FILE] [--notify]`:
// the whole pipeline on a fresh database, its clock driven by the observations' `at`. Malformed
// lines are reported by number and skipped; a run that could read no observation at all (an empty
// file, or every line malformed) fails with exit code 2.
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb, isPostgresUrl, pgSchemaOf, withPgSchema, dropPgSchema, isEmptyStore } from '../../db/connection.js';
import { redactUrl } from '../../db/pg/sync-pg.js';
import { storeOf } from '../../db/store/index.js';
import { readLines, jsonlWriter } from '../../core/jsonl.js';
import { parseObservationLine, ObservationError, type Observation } from '../../core/observation.js';
import { toContractAlert, type AlertRecord } from '../../core/alert.js';
import { createPipelineFromRules } from '../../pipeline/load-rules.js';
import { createProgress } from '../progress.js';

interface ReplayNotifier {
  onAlert(a: AlertRecord & { id: number }, now: Date): void;
  drain(ms: number): Promise<{ sent: number; failed: number; pending: number }>;
  stop(): Promise<void>;
}

const command: Command = {
  name: 'replay',
  summary: 'Run the whole pipeline (store, analyse, cluster, score, alert) on observations, on a fresh database, with the clock driven by the observations\' `at`. Deterministic; no network unless --notify.',
  usage: 'replay --rules DIR --in observations.jsonl --out alerts.jsonl [--db FILE] [--notify]',
  options: {
    rules: { type: 'string', valueName: 'DIR', description: 'rules folder with topic files (and optional risk.yaml, alerting.yaml)' },
    in: { type: 'string', valueName: 'FILE', description: 'observations, JSON Lines ("-" for stdin)' },
    out: { type: 'string', valueName: 'FILE', description: 'alerts, JSON Lines ("-" for stdout)' },
    db: { type: 'string', valueName: 'FILE', description: 'keep the database built (an existing file is moved aside to FILE.bak-TIME)' },
    notify: { type: 'boolean', description: 'also deliver the alerts through rules/alerting.yaml receivers, waiting up to 2 minutes' },
  },
  async run(opts, _pos, io) {
    const rulesDir = resolve(requireOpt(opts, 'rules', 'replay'));
    const input = requireOpt(opts, 'in', 'replay');
    const out = requireOpt(opts, 'out', 'replay');
    let dbPath: string;
    let tmp: string | null = null;
    // PostgreSQL (--db postgres://..., or FLAREWATCH_DB when it names PostgreSQL): a fresh schema,
    // kept when --db named the database, dropped after otherwise
    const pgBase = typeof opts.db === 'string' && isPostgresUrl(opts.db) ? opts.db
      : opts.db === undefined && isPostgresUrl(io.env.vars.FLAREWATCH_DB) ? io.env.vars.FLAREWATCH_DB! : null;
    let dropSchema = false;
    if (pgBase) {
      const named = pgSchemaOf(pgBase);
      const schema = named ?? `replay_${io.now().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
      dbPath = withPgSchema(pgBase, schema);
      dropSchema = opts.db === undefined;
      io.stderr.write(`replay: building in PostgreSQL schema ${schema}${dropSchema ? ' (dropped at the end)' : ''}\n`);
    } else if (typeof opts.db === 'string') {
      dbPath = resolve(opts.db);
      if (existsSync(dbPath)) {
        const aside = `${dbPath}.bak-${io.now().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(dbPath, aside);
        for (const ext of ['-wal', '-shm']) if (existsSync(dbPath + ext)) rmSync(dbPath + ext);
        io.stderr.write(`replay: ${dbPath} existed; moved it to ${aside}\n`);
      }
    } else {
      tmp = mkdtempSync(join(tmpdir(), 'flarewatch-replay-'));
      dbPath = join(tmp, 'replay.db');
    }
    const db = openDb(dbPath, { scratch: true });
    if (pgBase && !isEmptyStore(db)) {
      db.close();
      throw new UserError(`replay: the PostgreSQL schema in ${redactUrl(dbPath)} already holds posts or incidents`, 'name a new schema with ?schema=NAME in the URL, or leave it out for a fresh one');
    }
    const alerts: AlertRecord[] = [];
    let notifier: ReplayNotifier | null = null;
    if (opts.notify) {
      const { loadAlertingConfig } = await import('../../config/alerting-config.js');
      const { createNotifier } = await import('../../alerting/notifier.js');
      const { getSecret } = await import('../../server/secret.js');
      notifier = createNotifier(db, loadAlertingConfig(rulesDir, io.env.vars, io.env.timezone), { env: io.env, secret: getSecret(db, io.env) });
    }
    const pipeline = await createPipelineFromRules(db, rulesDir, {
      // the working state only matters for restarts; a replay writes it at transitions and at the end
      persistStateEveryMs: Infinity,
      onAlert: (a, now) => { alerts.push(a); notifier?.onAlert(a, now); },
    });
    const writer = jsonlWriter(out, io.stdout);
    const progress = createProgress(io.stderr, 'replay');
    const started = Date.now();
    let bad = 0, total = 0, clock = -Infinity;
    let batch: Observation[] = [];
    // many clock steps share one transaction (committed every ~20k observations): replay is a
    // throwaway build, and per-step commits dominated its run time
    let sinceCommit = 0;
    const store = storeOf(db);
    store.begin();
    const flush = () => {
      if (!batch.length) return;
      pipeline.ingest(batch, new Date(clock));
      progress.tick(batch.length);
      sinceCommit += batch.length;
      batch = [];
      if (sinceCommit >= 20_000) { store.commit(); store.begin(); sinceCommit = 0; }
    };
    for await (const { line, text } of readLines(input)) {
      let o: Observation | null;
      try {
        o = parseObservationLine(text, line);
      } catch (e) {
        if (!(e instanceof ObservationError)) throw e;
        bad++;
        if (bad <= 20) io.stderr.write(`replay: ${input} ${e.message} (skipped)\n`);
        continue;
      }
      if (!o) continue;
      total++;
      const at = Date.parse(o.at);
      if (at > clock) {
        flush();
        if (clock > -Infinity) pipeline.evaluate(new Date(clock));
        clock = at;
      }
      batch.push(o);
      if (batch.length >= 5000) flush();
    }
    if (total === 0) {
      // nothing to replay: an empty file, or every line malformed; that is a failed run, not zero alerts
      store.commit();
      await writer.close();
      progress.done();
      if (bad > 20) io.stderr.write(`replay: ${bad - 20} more malformed lines not shown\n`);
      await notifier?.stop();
      if (dropSchema) dropPgSchema(db);
      db.close();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      throw new UserError(bad ? `replay: no observation could be read from ${input}: all ${bad} non-empty lines are malformed (see above); nothing was replayed`
        : `replay: ${input} holds no observations; nothing was replayed`,
      'each line must be one JSON observation with at least at, source, kind, id and text (contracts.md §1)');
    }
    flush();
    if (clock > -Infinity) pipeline.evaluate(new Date(clock));
    store.commit();
    pipeline.flush(new Date(Number.isFinite(clock) ? clock : Date.now()));
    for (const a of alerts) writer.write(toContractAlert(a));
    await writer.close();
    const secs = (Date.now() - started) / 1000;
    progress.done(`replay: ${total} observations (${bad} malformed lines skipped), ${alerts.length} alerts, ${Math.round(total / Math.max(secs, 0.001))} observations/s`);
    if (bad > 20) io.stderr.write(`replay: ${bad - 20} more malformed lines not shown\n`);
    if (notifier) {
      const r = await notifier.drain(120_000);
      io.stderr.write(`replay: deliveries sent=${r.sent} failed=${r.failed} pending=${r.pending}\n`);
      await notifier.stop();
    }
    if (dropSchema) dropPgSchema(db);
    db.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    return 0;
  },
};
export default command;
