// Progress reporting for long CLI runs, always on stderr (never in the data on stdout): a bar
// (cli-progress) on a terminal, a line every few seconds otherwise.
import cliProgress from 'cli-progress';

export interface Progress { tick(n?: number): void; total(n: number): void; done(summary?: string): void }

export function createProgress(stderr: NodeJS.WritableStream & { isTTY?: boolean }, label: string, total = 0): Progress {
  let count = 0;
  if (stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ stream: stderr, format: `${label} [{bar}] {percentage}% {value}/{total} {rate}/s eta {eta_formatted}`, hideCursor: true, noTTYOutput: false, fps: 5 }, cliProgress.Presets.shades_classic);
    const started = Date.now();
    bar.start(total || 1, 0, { rate: 0 });
    return {
      tick(n = 1) { count += n; bar.update(count, { rate: Math.round(count / Math.max(0.001, (Date.now() - started) / 1000)) }); },
      total(n) { bar.setTotal(Math.max(1, n)); },
      done(summary) { bar.update(count); bar.stop(); if (summary) stderr.write(`${summary}\n`); },
    };
  }
  let last = Date.now();
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (now - last >= 5000) { last = now; stderr.write(`${label}: ${count}${total ? `/${total}` : ''}\n`); }
    },
    total(n) { total = n; },
    done(summary) { if (summary) stderr.write(`${summary}\n`); },
  };
}
