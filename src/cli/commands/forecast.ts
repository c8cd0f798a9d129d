// `flarewatch forecast --in observations.jsonl --horizon 24h --out forecasts.jsonl` (contracts §2):
// groups observations by root post (kind post, no parentId), collects its count snapshots and the
// reposts that point at it, and writes one SEISMIC forecast per root. Bad lines are reported as
// `line N: reason` on stderr and skipped.
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { ObservationError, parseObservationLine } from '../../core/observation.js';
import { forecastReposts, parseDuration } from '../../forecast/index.js';
import { collectRoots, type RootCascade } from '../../forecast/collect-roots.js';

const command: Command = {
  name: 'forecast',
  summary: "forecast each root post's reposts at publishedAt + horizon, with an 80% interval",
  usage: 'forecast --in observations.jsonl --horizon 24h --out forecasts.jsonl',
  options: {
    in: { type: 'string', valueName: 'FILE', description: 'observations (JSON Lines, contracts §1)' },
    out: { type: 'string', valueName: 'FILE', description: 'forecasts, one line per root post (- for stdout)' },
    horizon: { type: 'string', valueName: 'DURATION', default: '24h', description: 'time after publication: 90m, 24h, 7d' },
  },
  async run(opts, _pos, io) {
    const inPath = requireOpt(opts, 'in', 'forecast');
    const outPath = requireOpt(opts, 'out', 'forecast');
    const horizonMs = parseDuration(String(opts.horizon ?? '24h'));

    const input = createReadStream(inPath, { encoding: 'utf8' });
    const opened = once(input, 'open').catch((e: NodeJS.ErrnoException) => {
      throw new UserError(`cannot read --in ${inPath}: ${e.code ?? e.message}`, 'check the path');
    });
    await opened;
    const roots = collectRoots();
    let lineNo = 0;
    let bad = 0;
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      try {
        const o = parseObservationLine(text, lineNo);
        if (o) roots.add(o);
      } catch (e) {
        if (!(e instanceof ObservationError)) throw e;
        bad++;
        io.stderr.write(`${e.message}\n`);
      }
    }

    const out = outPath === '-' ? io.stdout : createWriteStream(outPath, { encoding: 'utf8' });
    let n = 0;
    for (const root of roots.finish()) {
      const f = forecastRoot(root, horizonMs);
      out.write(JSON.stringify({ source: root.source, id: root.id, predicted: f }) + '\n');
      n++;
    }
    if (out !== io.stdout) {
      (out as NodeJS.WritableStream).end();
      await once(out as NodeJS.WritableStream & NodeJS.EventEmitter, 'finish');
    }
    io.stderr.write(`forecast: ${n} root post(s)${bad ? `, ${bad} bad line(s) skipped` : ''}\n`);
    return 0;
  },
};

function forecastRoot(root: RootCascade, horizonMs: number) {
  const r = forecastReposts({
    publishedAt: root.publishedAt,
    now: root.now,
    horizonMs,
    source: root.source,
    rootFollowers: root.followers,
    reposts: root.reposts,
    snapshots: root.snapshots,
    observedCount: root.latestCount,
  });
  return { reposts: r.reposts, low: r.low, high: r.high };
}

export default command;
