// CLI entry: an explicit registry of commands (each in src/cli/commands/), loaded lazily so a
// command only pays for its own imports. Errors of class UserError print their message and exit 2.
import { readEnv } from '../config/env.js';
import { UserError } from '../core/errors.js';
import { helpText, parseCommandArgs, type Command, type CommandIO } from './command.js';

interface Entry { name: string; summary: string; load: () => Promise<{ default: Command }> }

const COMMANDS: Entry[] = [
  { name: 'start', summary: 'run scheduler, crawlers, alerting and dashboard together', load: () => import('./commands/start.js') },
  { name: 'demo', summary: 'start against a local simulated site (no internet needed)', load: () => import('./commands/demo.js') },
  { name: 'score', summary: 'analyse texts (language, sentiment, severity) without a database', load: () => import('./commands/score.js') },
  { name: 'replay', summary: 'run the whole pipeline on observations, clock driven by the data', load: () => import('./commands/replay.js') },
  { name: 'forecast', summary: 'forecast each root post\'s reposts at a horizon, with an 80% interval', load: () => import('./commands/forecast.js') },
  { name: 'crawl', summary: 'run one adapter once against one URL and write what it saw', load: () => import('./commands/crawl.js') },
  { name: 'report', summary: 'write the analysts\' report (html, pdf, csv, xlsx, json)', load: () => import('./commands/report.js') },
  { name: 'user', summary: 'manage dashboard users: user add --name N --password P --role R', load: () => import('./commands/user.js') },
  { name: 'source', summary: 'a crawl source\'s accounts: source accounts ID, source resume ID after a captcha', load: () => import('./commands/source.js') },
  { name: 'token', summary: 'manage API tokens for ingest: token add --name N [--role R]', load: () => import('./commands/token.js') },
  { name: 'worker', summary: 'a crawl worker: take source crawls from the FLAREWATCH_QUEUE job queue (distributed setup)', load: () => import('./commands/worker.js') },
  { name: 'train-sentiment', summary: 'train the sentiment model on labelled JSON Lines', load: () => import('./commands/train-sentiment.js') },
];

export function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'flarewatch - crisis early-warning monitor for PR teams',
    '',
    'Usage: flarewatch <command> [options]     (flarewatch <command> --help for details)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Environment: FLAREWATCH_DB (data/flarewatch.db), FLAREWATCH_RULES (rules/), PORT (8080), SMTP_URL, PUPPETEER_EXECUTABLE_PATH,',
    '             FLAREWATCH_QUEUE (redis://host:port/db: crawls go to `worker` processes)',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], ioOverride: Partial<CommandIO> = {}): Promise<number> {
  const io: CommandIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: readEnv(),
    now: () => new Date(),
    ...ioOverride,
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('0.1.0\n');
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`flarewatch: unknown command '${name}'\n  hint: one of ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  try {
    const cmd = (await entry.load()).default;
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values.help) {
      io.stdout.write(helpText(cmd));
      return 0;
    }
    return await cmd.run(values as Record<string, string | boolean | string[] | undefined>, positionals, io);
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr.write(`flarewatch ${name}: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`flarewatch ${name}: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
