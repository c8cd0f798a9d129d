// `flarewatch user add --name NAME --password PASS --role admin|analyst|viewer [--db FILE]`
// (and `user list`): dashboard users, scrypt-hashed.
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb } from '../../db/connection.js';
import { UserRepo, type Role } from '../../db/repos/user-repo.js';

const command: Command = {
  name: 'user',
  summary: 'Manage dashboard users. `user add` creates a user (or resets the password and role of an existing one); `user list` lists them.',
  usage: 'user add --name NAME --password PASS --role admin|analyst|viewer [--db FILE]   |   user list [--db FILE]',
  allowPositionals: true,
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'user name' },
    password: { type: 'string', valueName: 'PASS', description: 'password (at least 4 characters)' },
    role: { type: 'string', valueName: 'ROLE', description: 'admin, analyst or viewer', default: 'viewer' },
    db: { type: 'string', valueName: 'FILE', description: 'database (default: FLAREWATCH_DB or data/flarewatch.db)' },
  },
  async run(opts, pos, io) {
    const sub = pos[0];
    const db = openDb(typeof opts.db === 'string' ? resolve(opts.db) : io.env.dbPath);
    try {
      const users = new UserRepo(db);
      if (sub === 'add') {
        const u = await users.add(requireOpt(opts, 'name', 'user add'), requireOpt(opts, 'password', 'user add'), String(opts.role ?? 'viewer') as Role, io.now());
        io.stdout.write(`user '${u.username}' (${u.role}) saved\n`);
        return 0;
      }
      if (sub === 'list') {
        for (const u of users.list()) io.stdout.write(`${u.username}\t${u.role}\t${u.createdAt}${u.disabled ? '\tdisabled' : ''}\n`);
        return 0;
      }
      throw new UserError(sub ? `unknown subcommand 'user ${sub}'` : 'missing subcommand', "use 'user add --name N --password P --role R' or 'user list'");
    } finally {
      db.close();
    }
  },
};
export default command;
