// The shape of one CLI command (one file per command under src/cli/commands/), and the option
// parser: node:util parseArgs in strict mode, with errors turned into UserError plus usage.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors.js';
import type { Env } from '../config/env.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description?: string; valueName?: string };

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** for commands that read a secret (user add); process.stdin when absent */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  env: Env;
  /** wall clock; commands driven by data (replay) use the data's clock instead */
  now: () => Date;
}

export interface Command {
  name: string;
  summary: string;
  /** usage line after `flarewatch`, e.g. `score --in FILE --out FILE` */
  usage: string;
  options: Record<string, OptionSpec>;
  allowPositionals?: boolean;
  /** returns the process exit code */
  run(opts: Record<string, string | boolean | string[] | undefined>, positionals: string[], io: CommandIO): Promise<number>;
}

export function helpText(cmd: Command): string {
  const lines = [`Usage: flarewatch ${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  const opts = { ...cmd.options, help: { type: 'boolean', short: 'h', description: 'show this help' } as OptionSpec };
  for (const [name, o] of Object.entries(opts)) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    const def = o.default !== undefined && o.type === 'string' ? ` (default: ${String(o.default)})` : '';
    lines.push(`  ${flag.padEnd(30)} ${o.description ?? ''}${def}`);
  }
  return lines.join('\n') + '\n';
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [k, o] of Object.entries(cmd.options)) {
    const { description: _d, valueName: _v, ...spec } = o;
    options[k] = spec;
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: cmd.allowPositionals ?? false });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError(`${cmd.name}: ${msg}`, `run 'flarewatch ${cmd.name} --help' for the options`);
  }
}

/** Require a string option, with an actionable message when missing. */
export function requireOpt(opts: Record<string, unknown>, name: string, cmd: string): string {
  const v = opts[name];
  if (typeof v !== 'string' || !v) throw new UserError(`${cmd}: --${name} is required`, `run 'flarewatch ${cmd} --help'`);
  return v;
}
