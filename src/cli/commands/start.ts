// `flarewatch start [--db FILE] [--port N] [--rules DIR]`: scheduler, crawlers, alerting and the
// dashboard in one process, until SIGINT/SIGTERM. A start that cannot serve (a mistake in a rules
// file, a busy port) stops what it had started and exits non-zero with the reason.
import { resolve } from 'node:path';
import { dbLocation } from '../../db/location.js';
import type { Command } from '../command.js';
import { UserError } from '../../core/errors.js';
import { startMonitor, consoleLog } from '../../runtime/monitor.js';
import { knownSecrets } from '../../security/redact.js';
import { UserAccounts } from '../../server/user-accounts.js';

const command: Command = {
  name: 'start',
  summary: 'Run the monitor: crawl sources on schedule, score, alert, and serve the dashboard. Stops cleanly on Ctrl-C.',
  usage: 'start [--db FILE] [--port N] [--host ADDR] [--rules DIR]',
  options: {
    db: { type: 'string', valueName: 'FILE', description: 'database file (default: FLAREWATCH_DB or data/flarewatch.db)' },
    port: { type: 'string', valueName: 'N', description: 'dashboard port (default: PORT or 8080)' },
    host: { type: 'string', valueName: 'ADDR', description: 'listen address (default: HOST or 127.0.0.1)' },
    rules: { type: 'string', valueName: 'DIR', description: 'rules folder (default: FLAREWATCH_RULES or rules/)' },
  },
  async run(opts, _pos, io) {
    const env = { ...io.env };
    if (typeof opts.db === 'string') env.dbPath = dbLocation(opts.db);
    if (typeof opts.rules === 'string') env.rulesDir = resolve(opts.rules);
    if (typeof opts.host === 'string') env.host = opts.host;
    if (typeof opts.port === 'string') {
      const p = Number(opts.port);
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UserError(`--port: '${opts.port}' is not a port number`, 'use 0-65535 (0 picks a free port)');
      env.port = p;
    }
    const log = consoleLog(io.stderr, env.logLevel, knownSecrets(env));
    const m = await startMonitor({ env, log }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') throw new UserError(`cannot listen on ${env.host}:${env.port} (${e.code})`, 'pick another port with --port N (or PORT), or stop the process using it');
      throw e;
    });
    log('info', `dashboard: ${m.url}`);
    if (!new UserAccounts(m.db).list().length) log('warn', `no users yet: create the first admin with  npx flarewatch user add --name admin --role admin${typeof opts.db === 'string' ? ` --db ${opts.db}` : ''}`);
    return await new Promise<number>((done) => {
      const stop = (code: number) => { log('info', 'stopping…'); m.stop().then(() => done(code), () => done(code)); };
      process.once('SIGINT', () => stop(0));
      process.once('SIGTERM', () => stop(0));
      m.events.once('fatal', () => stop(1)); // e.g. the PostgreSQL connection was lost
    });
  },
};
export default command;
