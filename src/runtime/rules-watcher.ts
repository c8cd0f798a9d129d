// Notices edits to the rules folder (YAML files in it and in topics/) by polling their size and
// mtime, so it works on every file system; calls back once per settled change.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PIPELINE_FILES = /^(?!alerting|sources|reports)[^/]*\.ya?ml$/;

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of [dir, join(dir, 'topics')]) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      if (!PIPELINE_FILES.test(f)) continue;
      try { const st = statSync(join(d, f)); out.set(join(d, f), `${st.size}:${st.mtimeMs}`); } catch { /* vanished meanwhile */ }
    }
  }
  return out;
}

export function watchRules(dir: string, onChange: (files: string[]) => void | Promise<void>, everyMs = 3000): { stop(): void } {
  let last = snapshot(dir);
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    const next = snapshot(dir);
    const changed = [...new Set([...next.keys(), ...last.keys()])].filter((f) => next.get(f) !== last.get(f));
    if (!changed.length) return;
    last = next;
    busy = true;
    try { await onChange(changed.map((f) => f.slice(dir.length + 1))); } finally { busy = false; }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
