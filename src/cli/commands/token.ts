// `flarewatch token add --name NAME [--role ingest|viewer]`: an API bearer token for
// POST /api/v1/observations and read endpoints, printed once (only its hash is stored).
// `token list`: id, name, role, created and last used (never the secret). `token revoke NAME|ID`:
// the token stops working at once (also /api/v1/tokens, GET and DELETE, for admins).
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb, dbLocation } from '../../db/connection.js';
import { UserAccounts } from '../../server/user-accounts.js';
import { writeAudit } from '../../desk/audit.js';

const USAGE = "use 'token add --name NAME [--role ingest|viewer]', 'token list' or 'token revoke NAME|ID'";

const command: Command = {
  name: 'token',
  summary: 'Manage API bearer tokens (for ingest and read access): `token add` creates one and prints it once; `token list` lists them (id, name, role, created, last used); `token revoke NAME|ID` revokes one at once.',
  usage: 'token add --name NAME [--role ingest|viewer] [--db FILE]   |   token list [--db FILE]   |   token revoke NAME|ID [--db FILE]',
  allowPositionals: true,
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'what the token is for' },
    role: { type: 'string', valueName: 'ROLE', description: 'ingest (write observations, read) or viewer (read only)', default: 'ingest' },
    db: { type: 'string', valueName: 'FILE', description: 'database (default: FLAREWATCH_DB or data/flarewatch.db)' },
  },
  async run(opts, pos, io) {
    const sub = pos[0];
    if (sub !== 'add' && sub !== 'list' && sub !== 'revoke') throw new UserError(sub ? `unknown subcommand 'token ${sub}'` : 'missing subcommand', USAGE);
    if (sub === 'revoke' && !pos[1] && typeof opts.name !== 'string') throw new UserError('token revoke: which token?', "give its name or id, e.g. 'token revoke crawler-1' ('token list' shows them)");
    const db = openDb(typeof opts.db === 'string' ? dbLocation(opts.db) : io.env.dbPath);
    try {
      const repo = new UserAccounts(db);
      if (sub === 'list') {
        const tokens = repo.listTokens();
        if (!tokens.length) io.stderr.write("token: no API tokens; create one with 'token add --name NAME'\n");
        else io.stdout.write('id\tname\trole\tcreated\tlast used\n');
        for (const t of tokens) io.stdout.write(`${t.id}\t${t.name}\t${t.role}\t${t.createdAt}\t${t.lastUsedAt ?? 'never'}\n`);
        return 0;
      }
      if (sub === 'revoke') {
        const ref = pos[1] ?? String(opts.name);
        const t = repo.revokeToken(ref);
        if (!t) throw new UserError(`no API token with the name or id '${ref}'`, "'flarewatch token list' shows them");
        writeAudit(db, io.now(), 'cli', 'token.revoke', `token:${t.id}`, { name: t.name, role: t.role });
        io.stderr.write(`token: revoked ${t.name} (id ${t.id}, ${t.role}); it no longer works\n`);
        return 0;
      }
      const role = String(opts.role ?? 'ingest');
      if (!['ingest', 'viewer'].includes(role)) throw new UserError(`unknown token role '${role}'`, 'use ingest or viewer');
      const token = repo.addToken(requireOpt(opts, 'name', 'token add'), role, io.now());
      io.stdout.write(`${token}\n`);
      io.stderr.write('token: keep it now; it is not shown again\n');
      return 0;
    } finally {
      db.close();
    }
  },
};
export default command;
