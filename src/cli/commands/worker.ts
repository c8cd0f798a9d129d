// `flarewatch worker`: a crawl worker for the distributed setup (FLAREWATCH_QUEUE). Takes
// source-crawl jobs from the Redis queue the monitor fills, crawls with the source's cookies,
// proxy and politeness (shared by all workers through Redis), and hands the observations to the
// monitor through the shared database or its ingest API. Runs until SIGINT/SIGTERM, finishing
// the jobs in hand (a second signal exits at once: those jobs go to another worker).
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { UserError } from '../../core/errors.js';
import { consoleLog } from '../../runtime/monitor.js';
import { knownSecrets } from '../../security/redact.js';
import { openDb, type Db, dbLocation } from '../../db/connection.js';
import { startCrawlWorker } from '../../queue/crawl-worker.js';
import { apiDelivery, dbDelivery, ingestEndpoint } from '../../queue/observation-delivery.js';
import { redactRedisUrl, redisOptionsFromUrl } from '../../queue/redis-url.js';

function seconds(v: unknown, name: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new UserError(`--${name}: '${String(v)}' is not a number of seconds`, 'e.g. 30 (decimals allowed, at most 3600)');
  return n;
}

/** Open the shared database; a monitor migrating it at the same moment is waited for once. */
function openShared(path: string): Db {
  try {
    return openDb(path);
  } catch {
    return openDb(path);
  }
}

const command: Command = {
  name: 'worker',
  summary: [
    'Run a crawl worker: take source-crawl jobs from the queue named by FLAREWATCH_QUEUE (redis://host:port/db), which a',
    'monitor started with the same FLAREWATCH_QUEUE fills on each source\'s schedule, and crawl them with the source\'s',
    'cookies (its cookiesEnv variable, read from this worker\'s environment), proxy (the source\'s, else HTTPS_PROXY here)',
    'and politeness (per-host spacing shared by all workers through Redis). A source with an account pool crawls with the',
    'accounts its job names (the monitor picks them): each one\'s saved session, read under data/sessions here (copy the',
    'file to a worker on another machine), or its cookie variable, set in this worker\'s environment; the worker reports',
    'what each account met and the monitor pauses or retires it. The job carries the source\'s config, so a',
    'worker needs no rules folder. Observations go to the monitor through the database (FLAREWATCH_DB, the same SQLite',
    'file, on the same machine) or, with --ingest-url / FLAREWATCH_INGEST_URL, through its ingest API with the bearer',
    'token FLAREWATCH_INGEST_TOKEN (`flarewatch token add --name worker`). A job is acknowledged only after its',
    'observations are stored; a worker killed mid-job has its job taken over by another one after --lock-seconds.',
    'Stops cleanly on SIGINT/SIGTERM after the jobs in hand.',
  ].join('\n'),
  usage: 'worker [--queue URL] [--db FILE | --ingest-url URL] [--concurrency N] [--lock-seconds S] [--stalled-seconds S] [--heartbeat-seconds S]',
  options: {
    queue: { type: 'string', valueName: 'URL', description: 'Redis URL of the queue (default: FLAREWATCH_QUEUE)' },
    db: { type: 'string', valueName: 'FILE', description: 'database to store observations in (default: FLAREWATCH_DB or data/flarewatch.db)' },
    'ingest-url': { type: 'string', valueName: 'URL', description: "the monitor's URL, to send observations to POST /api/v1/observations instead (default: FLAREWATCH_INGEST_URL)" },
    concurrency: { type: 'string', valueName: 'N', description: 'jobs crawled at once (default 4)' },
    'lock-seconds': { type: 'string', valueName: 'S', description: "a job's lock and a host's lease, renewed while they run; a dead worker's job is taken over, its host freed, after it (default 30)" },
    'stalled-seconds': { type: 'string', valueName: 'S', description: 'how often to look for jobs of dead workers (default 15)' },
    'heartbeat-seconds': { type: 'string', valueName: 'S', description: 'counted as live this long after each heartbeat, in /metrics and /healthz (default 30)' },
  },
  async run(opts, _pos, io) {
    const env = { ...io.env };
    const url = typeof opts.queue === 'string' ? opts.queue : env.queueUrl;
    if (!url) throw new UserError('no queue: FLAREWATCH_QUEUE is not set', 'set FLAREWATCH_QUEUE=redis://host:6379/0 (the same as the monitor\'s) or pass --queue URL');
    redisOptionsFromUrl(url);
    if (typeof opts.db === 'string') env.dbPath = dbLocation(opts.db);
    const ingestUrl = typeof opts['ingest-url'] === 'string' ? opts['ingest-url'] : env.ingestUrl ?? null;
    if (ingestUrl) {
      try { ingestEndpoint(ingestUrl); } catch { throw new UserError(`--ingest-url '${ingestUrl}' is not a URL`, 'e.g. http://monitor:8080'); }
      if (!env.ingestToken) throw new UserError('FLAREWATCH_INGEST_TOKEN is not set: the ingest API needs a bearer token', 'create one on the monitor with `flarewatch token add --name worker --role ingest` and set FLAREWATCH_INGEST_TOKEN');
    }
    const concurrency = opts.concurrency === undefined ? 4 : Number(opts.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UserError(`--concurrency: '${String(opts.concurrency)}' is not a number of jobs`, 'a whole number from 1 to 256');
    const lockMs = seconds(opts['lock-seconds'], 'lock-seconds', 30) * 1000;
    const stalledMs = seconds(opts['stalled-seconds'], 'stalled-seconds', 15) * 1000;
    const heartbeatMs = seconds(opts['heartbeat-seconds'], 'heartbeat-seconds', 30) * 1000;

    const log = consoleLog(io.stderr, env.logLevel, knownSecrets(env));
    const db = ingestUrl ? null : openShared(env.dbPath);
    const worker = startCrawlWorker({
      env, url, log, concurrency, lockDurationMs: lockMs, stalledIntervalMs: stalledMs, heartbeatTtlMs: heartbeatMs,
      delivery: (redis) => db ? dbDelivery(db, io.now) : apiDelivery({ url: ingestUrl!, token: env.ingestToken!, redis: redis.client, log }),
    });
    log('info', `worker ${worker.id}: queue ${redactRedisUrl(url)}, observations to ${db ? env.dbPath : ingestEndpoint(ingestUrl!)}`);
    await new Promise<void>((done) => {
      let stopping = false;
      const stop = (sig: string) => {
        if (stopping) {
          log('warn', `${sig} again: exiting now; the jobs in hand go to another worker after their lock expires`);
          process.exit(130);
        }
        stopping = true;
        log('info', `${sig}: finishing the jobs in hand, then stopping (${sig} again to exit at once)…`);
        worker.close().then(done, done);
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
    db?.close();
    log('info', `worker ${worker.id}: stopped after ${worker.jobsDone()} job(s)`);
    return 0;
  },
};
export default command;
