// `flarewatch user add --name NAME --role admin|analyst|viewer [--password PASS | --password-stdin] [--db FILE]`
// (and `user list`): dashboard users, scrypt-hashed. Without --password the password is asked for
// on the terminal (not echoed) or read from stdin with --password-stdin; either way it must pass
// the strength rules (src/server/password-policy.ts).
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb, dbLocation } from '../../db/connection.js';
import { UserAccounts, ROLES, type Role } from '../../server/user-accounts.js';
import { checkPasswordStrength, MIN_LENGTH } from '../../server/password-policy.js';
import { promptNewPassword, readFirstLine, type SecretInput } from '../read-password.js';

const command: Command = {
  name: 'user',
  summary: 'Manage dashboard users. `user add` creates a user (or resets the password and role of an existing one); `user list` lists them. ' +
    'Without --password, the password is asked for on the terminal (not shown), or read from stdin with --password-stdin.',
  usage: 'user add --name NAME --role admin|analyst|viewer [--password PASS | --password-stdin] [--db FILE]   |   user list [--db FILE]',
  allowPositionals: true,
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'user name (letters of any script, digits, . _ - @)' },
    password: { type: 'string', valueName: 'PASS', description: `password (at least ${MIN_LENGTH.admin} characters for an admin, ${MIN_LENGTH.other} otherwise); visible in the process list, prefer the prompt or --password-stdin` },
    'password-stdin': { type: 'boolean', description: 'read the password from the first line of stdin' },
    role: { type: 'string', valueName: 'ROLE', description: 'admin, analyst or viewer', default: 'viewer' },
    db: { type: 'string', valueName: 'FILE', description: 'database (default: FLAREWATCH_DB or data/flarewatch.db)' },
  },
  async run(opts, pos, io) {
    const sub = pos[0];
    if (sub === 'add') {
      const name = requireOpt(opts, 'name', 'user add');
      const role = String(opts.role ?? 'viewer') as Role;
      if (!ROLES.includes(role)) throw new UserError(`unknown role '${role}'`, `use one of: ${ROLES.join(', ')}`);
      const password = await passwordFrom(opts, io.stdin ?? (process.stdin as SecretInput), io.stderr);
      checkPasswordStrength(password, { role, username: name });
      const db = openDb(typeof opts.db === 'string' ? dbLocation(opts.db) : io.env.dbPath);
      try {
        const u = await new UserAccounts(db).add(name, password, role, io.now());
        io.stdout.write(`user '${u.username}' (${u.role}) saved\n`);
        return 0;
      } finally { db.close(); }
    }
    if (sub === 'list') {
      const db = openDb(typeof opts.db === 'string' ? dbLocation(opts.db) : io.env.dbPath);
      try {
        for (const u of new UserAccounts(db).list()) io.stdout.write(`${u.username}\t${u.role}\t${u.createdAt}${u.disabled ? '\tdisabled' : ''}\n`);
        return 0;
      } finally { db.close(); }
    }
    throw new UserError(sub ? `unknown subcommand 'user ${sub}'` : 'missing subcommand', "use 'user add --name N --role R' (asks for the password) or 'user list'");
  },
};

async function passwordFrom(opts: Record<string, unknown>, stdin: SecretInput, stderr: NodeJS.WritableStream): Promise<string> {
  const given = typeof opts.password === 'string';
  if (given && opts['password-stdin']) throw new UserError('give either --password or --password-stdin, not both');
  if (given) return opts.password as string;
  if (opts['password-stdin']) return readFirstLine(stdin);
  return promptNewPassword(stdin, stderr);
}
export default command;
