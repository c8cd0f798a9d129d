// `flarewatch report --from DATE --to DATE --format html|pdf|csv|xlsx|json --out FILE [--db FILE]
// [--lang zh-CN|en] [--topic ID] [--tz ZONE]`: the analysts' report for a period (by default the last
// full Monday-Sunday week in Asia/Shanghai), with a progress bar on stderr.
import { existsSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb, type Db } from '../../db/connection.js';
import { createProgress } from '../progress.js';
import { resolvePeriod, formatInZone } from '../../report/date-range.js';
import { parseLang } from '../../report/i18n.js';
import { buildReport, REPORT_STEPS } from '../../report/build-report.js';
import { parseFormat, renderReport, REPORT_FORMATS } from '../../report/render.js';

/** Open an existing database for reading; a missing file is a user error, not a new empty database. */
export function openReportDb(path: string): Db {
  if (!existsSync(path)) {
    throw new UserError(`database ${path} does not exist`, 'pass --db FILE (e.g. one kept by `flarewatch replay ... --db FILE`) or set FLAREWATCH_DB');
  }
  try {
    return openDb(path, { readonly: true });
  } catch {
    return openDb(path);
  }
}

const command: Command = {
  name: 'report',
  summary: 'Write the analysts\' report for a period: KPIs against the previous period, risk trend, volume by source and sentiment, incidents with their spread timeline, top negative posts, influential authors, rising keywords, source health.',
  usage: 'report [--from DATE] [--to DATE] --format html|pdf|csv|xlsx|json --out FILE [--db FILE] [--lang zh-CN|en] [--topic ID]',
  options: {
    from: { type: 'string', valueName: 'DATE', description: 'first day (YYYY-MM-DD in --tz, or an ISO time with zone); default: last full Monday-Sunday week' },
    to: { type: 'string', valueName: 'DATE', description: 'last day, inclusive (YYYY-MM-DD, or an ISO time with zone = exclusive end)' },
    format: { type: 'string', valueName: 'FMT', description: `${REPORT_FORMATS.join('|')} (default: from the --out extension)` },
    out: { type: 'string', valueName: 'FILE', description: 'output file ("-" for stdout)' },
    db: { type: 'string', valueName: 'FILE', description: 'database (default: FLAREWATCH_DB or data/flarewatch.db)' },
    lang: { type: 'string', valueName: 'LANG', description: 'zh-CN or en', default: 'zh-CN' },
    topic: { type: 'string', valueName: 'ID', description: 'only this watch topic (default: all topics)' },
    tz: { type: 'string', valueName: 'ZONE', description: 'time zone of the dates and of times shown (default: FLAREWATCH_TZ or Asia/Shanghai)' },
  },
  async run(opts, _pos, io) {
    const out = requireOpt(opts, 'out', 'report');
    const format = parseFormat(typeof opts.format === 'string' ? opts.format : undefined, out === '-' ? undefined : out);
    const lang = parseLang(typeof opts.lang === 'string' ? opts.lang : undefined);
    const zone = typeof opts.tz === 'string' ? opts.tz : io.env.timezone;
    const period = resolvePeriod({ from: opts.from as string | undefined, to: opts.to as string | undefined }, io.now(), zone);
    const dbPath = resolve(typeof opts.db === 'string' ? opts.db : io.env.dbPath);
    const db = openReportDb(dbPath);
    const progress = createProgress(io.stderr, `report ${format}`, REPORT_STEPS.length);
    let bytes: Buffer;
    let rows = 0;
    try {
      const data = buildReport(db, {
        from: period.start, to: period.end, lang, topic: typeof opts.topic === 'string' ? opts.topic : null, now: io.now(), zone,
        onStep: () => progress.tick(),
      });
      const tableRows = data.posts.length + data.topNegative.length + data.incidents.length + data.alerts.length + data.authors.length + 30;
      if (format === 'csv' || format === 'xlsx') progress.total(REPORT_STEPS.length + tableRows);
      else progress.total(REPORT_STEPS.length + 1);
      bytes = await renderReport(data, format, {
        executablePath: io.env.puppeteerExecutablePath,
        onRows: (n) => { rows += n; progress.tick(n); },
      });
      if (format !== 'csv' && format !== 'xlsx') progress.tick();
      else progress.total(REPORT_STEPS.length + rows); // the estimate above, made exact
      if (data.postsTruncated) io.stderr.write(`report: the posts table was cut at ${data.posts.length} rows; choose a shorter period for all of them\n`);
      progress.done(`report: ${format} for ${data.period.label} (${zone}), ${data.summary.current.volume} posts, ${data.incidents.length} incidents, ${data.alerts.length} alerts${rows ? `, ${rows} rows` : ''} -> ${out === '-' ? 'stdout' : out} (${bytes.length} bytes, generated ${formatInZone(io.now(), zone)})`);
    } finally {
      db.close();
    }
    if (out === '-') {
      io.stdout.write(bytes);
      return 0;
    }
    const target = resolve(out);
    if (!existsSync(dirname(target))) throw new UserError(`folder ${dirname(target)} does not exist`, 'create it first or choose another --out');
    const tmp = `${target}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new UserError(`cannot write ${target} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check the path and its permissions');
    }
    return 0;
  },
};
export default command;
