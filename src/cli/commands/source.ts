// `flarewatch source accounts ID`: a source's account pool (name, state, why, last use; never a
// cookie). `flarewatch source resume ID [--account NAME]`: a person solved the captcha that paused
// the source: its paused accounts (or the one named, whatever its state) are active again and their
// saved sessions' captcha flags cleared; audited. The running monitor's next run of the source uses
// them (the dashboard's resume button also starts that run at once).
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { Command } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb, dbLocation } from '../../db/connection.js';
import { storeOf } from '../../db/store/index.js';
import { writeAudit } from '../../desk/audit.js';
import { AccountPool } from '../../crawl/account-pool.js';
import { SessionStore } from '../../crawl/browser-session.js';
import { DEFAULT_SESSION_DIR } from '../../crawl/browser-renderer.js';
import { loadSourcesConfig } from '../../crawl/sources-config.js';

const USAGE = "use 'source accounts ID' or 'source resume ID [--account NAME]'";

const command: Command = {
  name: 'source',
  summary: 'A crawl source\'s accounts: `source accounts ID` lists them with their state (active, paused for a captcha, retired); ' +
    '`source resume ID` puts the accounts a captcha paused back to work after a person solved it (`--account NAME`: that account, also a retired one).',
  usage: 'source accounts ID [--db FILE]   |   source resume ID [--account NAME] [--db FILE]',
  allowPositionals: true,
  options: {
    account: { type: 'string', valueName: 'NAME', description: 'resume only this account (whatever its state)' },
    db: { type: 'string', valueName: 'FILE', description: 'database (default: FLAREWATCH_DB or data/flarewatch.db)' },
    sessions: { type: 'string', valueName: 'DIR', description: 'saved browser sessions', default: DEFAULT_SESSION_DIR },
  },
  async run(opts, pos, io) {
    const [sub, id] = pos;
    if (sub !== 'accounts' && sub !== 'resume') throw new UserError(sub ? `unknown subcommand 'source ${sub}'` : 'missing subcommand', USAGE);
    if (!id) throw new UserError(`source ${sub}: which source?`, "give its id from sources.yaml, e.g. 'source resume xhs-brand'");
    const db = openDb(typeof opts.db === 'string' ? dbLocation(opts.db) : io.env.dbPath);
    try {
      const pool = new AccountPool({ store: storeOf(db).accounts, sessions: new SessionStore(String(opts.sessions)), env: io.env, lookupSecret: (n) => io.env.vars[n] });
      const accounts = pool.list(id);
      if (!accounts.length) {
        const configured = loadSourcesConfig(io.env.rulesDir).some((s) => s.id === id);
        throw new UserError(configured ? `source ${id} has no accounts yet` : `no source '${id}' with accounts`,
          configured ? 'start flarewatch once (it registers the accounts of sources.yaml), or log one in with the QR code on the source page' : 'check the id in sources.yaml');
      }
      if (sub === 'accounts') {
        io.stdout.write('id\tname\torigin\tstate\terror score\tlast used\treason\n');
        for (const a of accounts) io.stdout.write(`${a.id}\t${a.name}\t${a.origin}\t${a.state}\t${a.errorScore}\t${a.lastUsedAt ?? 'never'}\t${a.stateReason ?? ''}\n`);
        return 0;
      }
      const account = typeof opts.account === 'string' ? opts.account : undefined;
      const resumed = pool.resume(id, io.now(), account);
      writeAudit(db, io.now(), `cli:${safeUser()}`, 'source.resume', `source:${id}`, { accounts: resumed.map((a) => a.name) });
      if (!resumed.length) {
        io.stdout.write(`source ${id}: no account was paused (${accounts.map((a) => `${a.name}: ${a.state}`).join(', ')}); captcha flags cleared\n`);
        return 0;
      }
      io.stdout.write(`source ${id}: resumed ${resumed.map((a) => a.name).join(', ')}; the next scheduled run uses ${resumed.length === 1 ? 'it' : 'them'}\n`);
      return 0;
    } finally { db.close(); }
  },
};

function safeUser(): string {
  try { return userInfo().username; } catch { return 'unknown'; }
}

export default command;
