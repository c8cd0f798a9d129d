// `flarewatch demo` (npm run demo): the whole monitor against a local simulated site, no
// internet needed. A complaint about the made-up brand 云雀乳业 goes viral within a minute or two;
// the real crawlers pick it up on a fast schedule and the dashboard shows risk rising and alerts.
// Like `start`, it honours PORT, HOST, FLAREWATCH_DB and FLAREWATCH_PUBLIC_URL (--port and --db first).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from '../command.js';
import type { Env } from '../../config/env.js';
import { UserError } from '../../core/errors.js';
import { startMonitor, consoleLog } from '../../runtime/monitor.js';
import { knownSecrets } from '../../security/redact.js';
import { startSimSite } from '../../demo/sim-site.js';
import { DEMO_BRAND } from '../../demo/demo-story.js';
import { openDb, dbLocation } from '../../db/connection.js';
import { UserAccounts } from '../../server/user-accounts.js';

export function demoRules(site: string): Record<string, string> {
  const q = encodeURIComponent(`type=1&q=${DEMO_BRAND}`);
  return {
    'topics/demo-brand.yaml': `id: yunque\nname: ${DEMO_BRAND}\nquery: ${DEMO_BRAND} OR 云雀牛奶 OR "Yunque Dairy"\nkeywords: [${DEMO_BRAND}, 云雀牛奶]\n`,
    'sources.yaml': [
      'timezone: Asia/Shanghai',
      'sources:',
      `  - {id: demo-weibo-search, adapter: weibo, url: "${site}/api/container/getIndex?containerid=100103${q}&page_type=searchall", schedule: "*/10 * * * * *", maxPages: 1, minIntervalMs: 0, reobserve: {enabled: false}}`,
      `  - {id: demo-forum, adapter: rss, url: "${site}/forum/rss.xml", schedule: "*/15 * * * * *", maxPages: 1, minIntervalMs: 0, reobserve: {enabled: false}}`,
      `  - {id: demo-heimao, adapter: heimao, url: "${site}/api/index/s?keywords=${encodeURIComponent(DEMO_BRAND)}&page=1", schedule: "*/15 * * * * *", maxPages: 1, minIntervalMs: 0, reobserve: {enabled: false}}`,
      '',
    ].join('\n'),
    'risk.yaml': 'timing:\n  pending: 20s\n  keep_firing: 2m\n  resolve_after: 20m\n  evaluate_every: 5s\n',
    'alerting.yaml': [
      'receivers:',
      '  - name: demo-hook',
      `    webhook: {url: "${site}/hook", secret: demo-secret}`,
      'route:',
      '  receiver: demo-hook',
      '  group_wait: 5s',
      '  group_interval: 30s',
      '  repeat_interval: 1h',
      '',
    ].join('\n'),
  };
}

/**
 * Where the demo keeps its database and which port it serves, as `start` decides them:
 * --db / --port first, then FLAREWATCH_DB / PORT, then the demo's own (DIR/demo.db, recreated
 * each run, and port 8080, or a free one when 8080 is busy). A database the user named is never
 * deleted: the demo adds its rules' data and the demo user to it.
 */
export function demoSettings(opts: Record<string, unknown>, env: Env, dir: string): { dbPath: string; dbNamed: boolean; port: number; portNamed: boolean } {
  const dbFlag = typeof opts.db === 'string' && opts.db ? dbLocation(opts.db) : null;
  const dbNamed = dbFlag !== null || !!env.vars.FLAREWATCH_DB;
  const portRaw = typeof opts.port === 'string' ? opts.port : env.vars.PORT;
  let port = 8080;
  if (portRaw !== undefined && portRaw !== '') {
    port = Number(portRaw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UserError(`${typeof opts.port === 'string' ? '--port' : 'PORT'}: '${portRaw}' is not a port number`, 'use 0-65535 (0 picks a free port)');
    }
  }
  return { dbPath: dbFlag ?? (dbNamed ? env.dbPath : join(dir, 'demo.db')), dbNamed, port, portNamed: portRaw !== undefined && portRaw !== '' };
}

const command: Command = {
  name: 'demo',
  summary: 'Start the monitor against a local simulated site (Weibo API, forum and complaint pages) where a complaint about a made-up brand goes viral. No internet needed. Log in as demo / demo.',
  usage: 'demo [--port N] [--db FILE] [--dir DIR]',
  options: {
    port: { type: 'string', valueName: 'N', description: 'dashboard port (default: PORT or 8080)' },
    db: { type: 'string', valueName: 'FILE', description: 'database file, kept (default: FLAREWATCH_DB, else DIR/demo.db, recreated each run)' },
    dir: { type: 'string', valueName: 'DIR', description: 'where the demo rules (and its own database) go, recreated each run', default: 'data/demo' },
  },
  async run(opts, _pos, io) {
    const dir = resolve(String(opts.dir ?? 'data/demo'));
    const s = demoSettings(opts, io.env, dir);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'rules', 'topics'), { recursive: true });
    mkdirSync(dirname(s.dbPath), { recursive: true });
    const site = await startSimSite();
    for (const [f, text] of Object.entries(demoRules(site.url))) writeFileSync(join(dir, 'rules', f), text);
    const env = { ...io.env, dbPath: s.dbPath, rulesDir: join(dir, 'rules'), port: s.port };
    const db = openDb(env.dbPath);
    const users = new UserAccounts(db);
    if (!users.list().some((u) => u.username === 'demo')) await users.add('demo', 'demo', 'admin', io.now());
    db.close();
    const log = consoleLog(io.stderr, env.logLevel, knownSecrets(env));
    if (s.dbNamed) log('info', `demo database: ${env.dbPath} (kept after the demo)`);
    let m;
    try {
      m = await startMonitor({ env, log, evaluateEveryMs: 10_000 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && !s.portNamed) {
        log('warn', `port ${env.port} is busy; using a free port`);
        m = await startMonitor({ env: { ...env, port: 0 }, log, evaluateEveryMs: 10_000 });
      } else if (code === 'EADDRINUSE' || code === 'EACCES') {
        await site.close();
        throw new UserError(`cannot listen on ${env.host}:${env.port} (${code})`, 'pick another port with --port N (or PORT), or stop the process using it');
      } else { await site.close(); throw e; }
    }
    io.stdout.write([
      '',
      'Flarewatch demo is running.',
      `  Dashboard: ${m.url}   (log in as demo / demo)`,
      `  Simulated site: ${site.url}  (Weibo API, forum RSS, 黑猫投诉 API; webhook receiver at /hook)`,
      `  A complaint about ${DEMO_BRAND} goes viral in the next minute or two: watch posts arrive, risk rise and alerts fire.`,
      '  Ctrl-C to stop.',
      '',
    ].join('\n'));
    let lastReceived = 0;
    const poll = setInterval(() => {
      if (site.received.length > lastReceived) {
        lastReceived = site.received.length;
        log('info', `demo webhook received ${lastReceived} alert message(s)`);
      }
    }, 2000);
    await new Promise<void>((done) => {
      const stop = () => {
        clearInterval(poll);
        m.stop().then(() => site.close()).then(done, done);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
export default command;
