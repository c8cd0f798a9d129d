// `flarewatch report --from DATE --to DATE --format html|pdf|csv|xlsx|json --out FILE [--db FILE]
// [--lang zh-CN|en] [--topic ID] [--tz ZONE]`: the analysts' report for a period (by default the last
// 7 days ending now, or all of the data when the database is younger), with a progress bar on
// stderr. The output folder is checked (and created) before any work; CSV is one file per table.
import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { openDb, type Db, dbLocation, storeExists, isPostgresUrl } from '../../db/connection.js';
import { redactUrl } from '../../db/pg/sync-pg.js';
import { createProgress } from '../progress.js';
import { resolvePeriod, formatInZone } from '../../report/date-range.js';
import { parseLang, words } from '../../report/i18n.js';
import { buildReport, REPORT_STEPS, resolveReportPeriod } from '../../report/build-report.js';
import { parseFormat, renderReport, REPORT_FORMATS } from '../../report/render.js';
import { csvFilePath, renderCsvTables } from '../../report/render-csv.js';

/** Open an existing database for reading; a missing file is a user error, not a new empty database. */
export function openReportDb(path: string): Db {
  if (!storeExists(path)) {
    throw new UserError(`database ${redactUrl(path)} does not exist${isPostgresUrl(path) ? ' (no Flarewatch tables there)' : ''}`, 'pass --db FILE (e.g. one kept by `flarewatch replay ... --db FILE`) or set FLAREWATCH_DB');
  }
  try {
    return openDb(path, { readonly: true });
  } catch {
    return openDb(path);
  }
}

/**
 * Make sure `--out`'s folder exists (creating it) and can be written, before any work is done, so a
 * typo in the path fails at once instead of after the report was built.
 */
export function prepareOutputFolder(target: string, stderr: NodeJS.WritableStream): void {
  const dir = dirname(target);
  if (existsSync(target) && statSync(target).isDirectory()) throw new UserError(`--out ${target} is a folder`, 'give a file name, e.g. --out reports/weekly.pdf');
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UserError(`cannot create the folder ${dir} for --out (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check the path and its permissions, or choose another --out');
    }
    stderr.write(`report: created folder ${dir}\n`);
  } else if (!statSync(dir).isDirectory()) {
    throw new UserError(`cannot write ${target}: ${dir} is a file, not a folder`, 'choose another --out');
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`cannot write to the folder ${dir}`, 'check its permissions or choose another --out');
  }
}

/** Write a file atomically (temporary file, then rename). */
function writeAtomically(target: string, bytes: Buffer): void {
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${target} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'check the path and its permissions');
  }
}

const command: Command = {
  name: 'report',
  summary: 'Write the analysts\' report for a period: KPIs against the previous period, risk trend, volume by source and sentiment, incidents with their spread timeline, top negative posts, influential authors, rising keywords, source health. '
    + 'CSV is one file per table: --out report.csv writes the incidents to report.csv and each other table to report-<table>.csv (summary, alerts, posts, top-negative, authors, keywords, sources); --out report.zip puts them all in one zip.',
  usage: 'report [--from DATE] [--to DATE] --format html|pdf|csv|xlsx|json --out FILE [--db FILE] [--lang zh-CN|en] [--topic ID]',
  options: {
    from: { type: 'string', valueName: 'DATE', description: 'first day (YYYY-MM-DD in --tz, or an ISO time with zone); without --from and --to: the last 7 days ending now, or all the data when the database is younger (the report says which)' },
    to: { type: 'string', valueName: 'DATE', description: 'last day, inclusive (YYYY-MM-DD, or an ISO time with zone = exclusive end)' },
    format: { type: 'string', valueName: 'FMT', description: `${REPORT_FORMATS.join('|')} (default: from the --out extension; .zip is csv)` },
    out: { type: 'string', valueName: 'FILE', description: 'output file ("-" for stdout); a missing folder is created' },
    db: { type: 'string', valueName: 'FILE', description: 'database (default: FLAREWATCH_DB or data/flarewatch.db)' },
    lang: { type: 'string', valueName: 'LANG', description: 'zh-CN or en', default: 'zh-CN' },
    topic: { type: 'string', valueName: 'ID', description: 'only this watch topic (default: all topics)' },
    tz: { type: 'string', valueName: 'ZONE', description: 'time zone of the dates and of times shown (default: FLAREWATCH_TZ or Asia/Shanghai)' },
  },
  async run(opts, _pos, io) {
    const out = requireOpt(opts, 'out', 'report');
    const zipOut = out !== '-' && /\.zip$/i.test(out);
    const format = parseFormat(typeof opts.format === 'string' ? opts.format : zipOut ? 'csv' : undefined, out === '-' ? undefined : out);
    if (zipOut && format !== 'csv') throw new UserError(`--out ${out} is a zip, which only --format csv writes`, 'use --format csv, or another file extension');
    const lang = parseLang(typeof opts.lang === 'string' ? opts.lang : undefined);
    const zone = typeof opts.tz === 'string' ? opts.tz : io.env.timezone;
    const dates = { from: opts.from as string | undefined, to: opts.to as string | undefined };
    resolvePeriod(dates, io.now(), zone); // bad dates or zone fail before anything is opened
    const dbPath = dbLocation(typeof opts.db === "string" ? opts.db : io.env.dbPath);
    const db = openReportDb(dbPath);
    const target = out === '-' ? null : resolve(out);
    const progress = createProgress(io.stderr, `report ${format}`, REPORT_STEPS.length);
    const written: string[] = [];
    let rows = 0;
    try {
      if (target) prepareOutputFolder(target, io.stderr);
      const { period, basis } = resolveReportPeriod(db, dates, io.now(), zone);
      const data = buildReport(db, {
        from: period.start, to: period.end, lang, topic: typeof opts.topic === 'string' ? opts.topic : null, now: io.now(), zone, basis,
        onStep: () => progress.tick(),
      });
      const tableRows = data.posts.length + data.topNegative.length + data.incidents.length + data.alerts.length + data.authors.length + 30;
      if (format === 'csv' || format === 'xlsx') progress.total(REPORT_STEPS.length + tableRows);
      else progress.total(REPORT_STEPS.length + 1);
      const onRows = (n: number) => { rows += n; progress.tick(n); };
      let bytes = 0;
      if (format === 'csv' && target && !zipOut) {
        for (const f of renderCsvTables(data, onRows)) {
          const path = csvFilePath(target, f.table);
          writeAtomically(path, f.bytes);
          written.push(path);
          bytes += f.bytes.length;
        }
      } else {
        const buf = await renderReport(data, format, { executablePath: io.env.puppeteerExecutablePath, onRows, csvTable: zipOut ? 'all' : undefined });
        if (target) { writeAtomically(target, buf); written.push(target); } else io.stdout.write(buf);
        bytes = buf.length;
        if (format === 'csv' && !target) io.stderr.write('report: stdout holds the incidents table; give --out FILE.csv for every table (one CSV each) or --out FILE.zip\n');
      }
      if (format !== 'csv' && format !== 'xlsx') progress.tick();
      else progress.total(REPORT_STEPS.length + rows); // the estimate above, made exact
      if (data.postsTruncated) io.stderr.write(`report: the posts table was cut at ${data.posts.length} rows; choose a shorter period for all of them\n`);
      const basisNote = basis === 'requested' ? '' : ` (no --from/--to: ${words('en').basisNotes[basis].replace(/^No period was given[:;] /, '').replace(/\.$/, '')})`;
      progress.done(`report: ${format} "${data.title}" for ${data.period.label} (${zone})${basisNote}, ${data.summary.current.volume} posts, ${data.incidents.length} incidents, ${data.alerts.length} alerts${rows ? `, ${rows} rows` : ''} -> ${written.length ? written.join(', ') : 'stdout'} (${bytes} bytes, generated ${formatInZone(io.now(), zone)})`);
    } finally {
      db.close();
    }
    return 0;
  },
};
export default command;
