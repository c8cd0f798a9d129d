// Labelled sentiment data for training: JSON Lines {text, label} with label 0/1,
// negative/neutral/positive (also neg/pos, -1/0/1), analysts' corrections from the database
// (posts.sentiment_corrected), and a deterministic hold-out split by a hash of the text.
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { SentimentLabel } from './linear-model.js';
import type { TrainRow } from './sentiment-trainer.js';
import { hashString } from './feature-hash.js';

export class LabelledDataError extends UserError {
  override name = 'LabelledDataError';
}

/** Map a label value to a class, or null when it is not a sentiment label. */
export function parseLabel(v: unknown): SentimentLabel | null {
  if (v === 0 || v === '0' || v === -1 || v === '-1') return 'negative';
  if (v === 1 || v === '1') return 'positive';
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  if (s === 'negative' || s === 'neg') return 'negative';
  if (s === 'positive' || s === 'pos') return 'positive';
  if (s === 'neutral' || s === 'neu') return 'neutral';
  return null;
}

export interface ReadResult { rows: TrainRow[]; skipped: string[] }

/** Read a labelled JSON Lines file; bad lines are collected as `line N: problem`, not fatal. */
export function readLabelledJsonl(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabelledDataError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows: TrainRow[] = [];
  const skipped: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      skipped.push(`${file} line ${i + 1}: not valid JSON`);
      continue;
    }
    const rec = o as { text?: unknown; label?: unknown };
    if (typeof rec?.text !== 'string' || !rec.text.trim()) { skipped.push(`${file} line ${i + 1}: missing "text"`); continue; }
    const label = parseLabel(rec.label);
    if (!label) { skipped.push(`${file} line ${i + 1}: label ${JSON.stringify(rec.label)} is not 0/1 or negative/neutral/positive`); continue; }
    rows.push({ text: rec.text.replace(/^\ufeff/, ''), label });
  }
  return { rows, skipped };
}

/** Rows whose analyst-corrected label is set, from a flarewatch database. */
export async function readCorrectedPosts(dbFile: string): Promise<TrainRow[]> {
  const { openDb, storeExists } = await import('../db/connection.js');
  if (!storeExists(dbFile)) throw new LabelledDataError(`database ${dbFile.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')} does not exist`, 'pass the file given to `replay --db` or FLAREWATCH_DB');
  const { storeOf } = await import('../db/store/index.js');
  const db = openDb(dbFile, { migrate: false });
  try {
    const got = storeOf(db).posts.corrected();
    const rows: TrainRow[] = [];
    for (const g of got) {
      const label = parseLabel(g.label);
      const text = [g.title, g.text].filter(Boolean).join(' ');
      if (label && text.trim()) rows.push({ text, label });
    }
    return rows;
  } finally {
    db.close();
  }
}

/** Deterministic split: a row is held out when the hash of its text falls in the first `fraction`. */
export function isHeldOut(text: string, fraction: number, salt = 0): boolean {
  if (fraction <= 0) return false;
  const h = (hashString(text) ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  const mixed = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return (mixed % 10000) / 10000 < fraction;
}
