// `flarewatch score --in posts.jsonl --out scored.jsonl`: analyse texts without a database
// (contracts §2). Each input line {id, text, title?, lang?} becomes {id, lang, sentiment, severity,
// ...entities}. Malformed lines are reported as `line N: ...` on stderr and skipped; a progress bar
// goes to stderr (only on a terminal, only for long inputs); data goes only to --out or stdout.
import { readFileSync, openSync, writeSync, closeSync } from 'node:fs';
import type { Command } from '../command.js';
import { UserError } from '../../core/errors.js';
import { createTextAnalyzerFast, type TextAnalysis } from '../../text/text-analyzer.js';

const MAX_REPORTED = 20;

function readInput(path: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`score: cannot read ${path === '-' ? 'standard input' : path} (${code ?? (e as Error).message})`,
      code === 'ENOENT' ? 'check the path given to --in' : undefined);
  }
}

function outputRecord(id: string, a: TextAnalysis, withTokens: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { id, lang: a.lang, sentiment: a.sentiment, severity: a.severity };
  if (a.emoticons.length) o.emoticons = a.emoticons;
  if (a.emoji.length) o.emoji = a.emoji;
  if (a.hashtags.length) o.hashtags = a.hashtags;
  if (a.mentions.length) o.mentions = a.mentions;
  if (a.urls.length) o.urls = a.urls;
  if (a.reposts.length) o.reposts = a.reposts.map((r) => r.user);
  if (withTokens) o.tokens = a.tokens;
  return o;
}

interface Bar { update(n: number): void; stop(): void }

async function progressBar(stderr: NodeJS.WritableStream & { isTTY?: boolean }, total: number): Promise<Bar | null> {
  if (!stderr.isTTY || total < 20000) return null;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({ stream: stderr, format: 'score [{bar}] {percentage}% {value}/{total} eta {eta_formatted}', hideCursor: true, fps: 5 },
    cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  return bar;
}

const command: Command = {
  name: 'score',
  summary: 'analyse texts (language, sentiment, severity) without a database',
  usage: 'score --in posts.jsonl [--out scored.jsonl] [--rules DIR] [--model-dir DIR] [--tokens]',
  options: {
    in: { type: 'string', valueName: 'FILE', default: '-', description: 'JSON Lines {id, text, title?, lang?}; - for standard input' },
    out: { type: 'string', valueName: 'FILE', default: '-', description: 'JSON Lines output; - for standard output' },
    rules: { type: 'string', valueName: 'DIR', description: 'rules directory whose severity.yaml is used (default: FLAREWATCH_RULES, else the built-in one)' },
    severity: { type: 'string', valueName: 'FILE', description: 'severity rules file (overrides --rules)' },
    'model-dir': { type: 'string', valueName: 'DIR', description: 'directory with zh-sentiment.bin / en-sentiment.bin (default: data/models)' },
    tokens: { type: 'boolean', description: 'also output jieba tokens (slower)' },
  },
  async run(opts, _pos, io) {
    const inPath = (opts.in as string) || '-';
    const outPath = (opts.out as string) || '-';
    const withTokens = opts.tokens === true;
    const analyzer = await createTextAnalyzerFast({
      rulesDir: (opts.rules as string | undefined) ?? io.env.rulesDir,
      severityFile: opts.severity as string | undefined,
      modelDir: opts['model-dir'] as string | undefined,
      segment: withTokens,
    });
    const text = readInput(inPath);
    const lines = text.split('\n');
    const bar = await progressBar(io.stderr, lines.length);
    const toStdout = outPath === '-';
    let fd = -1;
    if (!toStdout) {
      try {
        fd = openSync(outPath, 'w');
      } catch (e) {
        throw new UserError(`score: cannot write ${outPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
    let buf = '';
    let ok = 0, bad = 0;
    const flush = () => {
      if (!buf) return;
      if (toStdout) io.stdout.write(buf); else writeSync(fd, buf);
      buf = '';
    };
    const report = (line: number, msg: string) => {
      bad++;
      if (bad <= MAX_REPORTED) io.stderr.write(`line ${line}: ${msg}\n`);
    };
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i];
      if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (!line.trim()) continue;
      let rec: { id?: unknown; text?: unknown; title?: unknown; lang?: unknown };
      try {
        rec = JSON.parse(line);
      } catch (e) {
        report(i + 1, `not valid JSON (${(e as Error).message.slice(0, 80)})`);
        continue;
      }
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) { report(i + 1, 'expected a JSON object {"id": ..., "text": ...}'); continue; }
      if (typeof rec.id !== 'string' && typeof rec.id !== 'number') { report(i + 1, 'missing "id" (a string or number)'); continue; }
      const t = rec.text ?? null, ti = rec.title ?? null;
      if ((t !== null && typeof t !== 'string') || (ti !== null && typeof ti !== 'string')) { report(i + 1, '"text" and "title" must be strings'); continue; }
      if (t === null && ti === null) { report(i + 1, 'missing "text" (or "title")'); continue; }
      const a = analyzer.analyze({ text: t, title: ti, lang: typeof rec.lang === 'string' ? rec.lang : null });
      buf += JSON.stringify(outputRecord(String(rec.id), a, withTokens)) + '\n';
      ok++;
      if (buf.length > 1 << 16) flush();
      if (bar && (ok & 1023) === 0) bar.update(i + 1);
    }
    flush();
    if (fd !== -1) closeSync(fd);
    if (bar) { bar.update(lines.length); bar.stop(); }
    if (bad > MAX_REPORTED) io.stderr.write(`... ${bad - MAX_REPORTED} more malformed lines\n`);
    if (bad) io.stderr.write(`score: ${ok} lines scored, ${bad} malformed lines skipped\n`);
    return 0;
  },
};

export default command;
