// `flarewatch token add --name NAME [--role ingest|viewer]`: an API bearer token for
// POST /api/v1/observations and read endpoints. Printed once; only its hash is stored.
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb } from '../../db/connection.js';
import { UserRepo } from '../../db/repos/user-repo.js';

const command: Command = {
  name: 'token',
  summary: 'Create an API bearer token (for ingest and read access). The token is printed once.',
  usage: 'token add --name NAME [--role ingest|viewer] [--db FILE]',
  allowPositionals: true,
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'what the token is for' },
    role: { type: 'string', valueName: 'ROLE', description: 'ingest (write observations, read) or viewer (read only)', default: 'ingest' },
    db: { type: 'string', valueName: 'FILE', description: 'database (default: FLAREWATCH_DB or data/flarewatch.db)' },
  },
  async run(opts, pos, io) {
    if (pos[0] !== 'add') throw new UserError(`unknown subcommand '${pos[0] ?? ''}'`, "use 'token add --name NAME'");
    const role = String(opts.role ?? 'ingest');
    if (!['ingest', 'viewer'].includes(role)) throw new UserError(`unknown token role '${role}'`, 'use ingest or viewer');
    const db = openDb(typeof opts.db === 'string' ? resolve(opts.db) : io.env.dbPath);
    try {
      const token = new UserRepo(db).addToken(requireOpt(opts, 'name', 'token add'), role, io.now());
      io.stdout.write(`${token}\n`);
      io.stderr.write('token: keep it now; it is not shown again\n');
      return 0;
    } finally {
      db.close();
    }
  },
};
export default command;
