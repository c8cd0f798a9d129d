import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';
import { LinearModel } from '../../src/text/linear-model.js';

function io() {
  const out = new PassThrough(), err = new PassThrough();
  let o = '', e = '';
  out.on('data', (d) => (o += d));
  err.on('data', (d) => (e += d));
  return { io: { stdout: out, stderr: err, env: readEnv({}), now: () => new Date('2026-01-01T00:00:00Z') }, out: () => o, err: () => e };
}

describe('flarewatch score', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-score-'));
  it('scores JSON Lines, reports malformed lines and goes on', async () => {
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, [
      JSON.stringify({ id: 'a', text: '太恶心了，喝出异物，已经打12315投诉[怒]' }),
      'not json',
      JSON.stringify({ id: 'b', text: 'Love it, best purchase this year!' }),
      JSON.stringify({ text: 'no id' }),
      JSON.stringify({ id: 7, title: '好评', text: '质量很好，很满意', lang: 'zh' }),
      '',
    ].join('\n'));
    const out = join(dir, 'out.jsonl');
    const t = io();
    expect(await runCli(['score', '--in', input, '--out', out], t.io)).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', '7']);
    expect(rows[0]).toMatchObject({ lang: 'zh', sentiment: { label: 'negative' }, emoticons: ['怒'] });
    expect(rows[0].severity.terms).toEqual(expect.arrayContaining(['异物', '12315']));
    expect(rows[1].lang).toBe('en');
    expect(rows[1].sentiment.score).toBeGreaterThan(0);
    expect(rows[2].sentiment.score).toBeGreaterThan(0);
    expect(t.err()).toMatch(/line 2: not valid JSON/);
    expect(t.err()).toMatch(/line 4: missing "id"/);
    expect(t.out()).toBe('');
  });
  it('writes to stdout when --out is missing or -, and fails clearly on a missing input', async () => {
    const input = join(dir, 'one.jsonl');
    writeFileSync(input, JSON.stringify({ id: '1', text: 'hello world' }) + '\n');
    const t = io();
    expect(await runCli(['score', '--in', input], t.io)).toBe(0);
    expect(JSON.parse(t.out().trim())).toMatchObject({ id: '1', lang: 'en' });
    const t2 = io();
    expect(await runCli(['score', '--in', join(dir, 'nope.jsonl')], t2.io)).toBe(2);
    expect(t2.err()).toMatch(/cannot read .*nope\.jsonl/);
  });
});

describe('flarewatch train-sentiment', () => {
  it('trains from JSON Lines and the result is usable by score', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-train-'));
    const data = join(dir, 'labelled.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      lines.push(JSON.stringify({ text: `服务很好很满意${i}`, label: 1 }), JSON.stringify({ text: `服务太差很失望${i}`, label: 'negative' }));
    }
    lines.push('{"text": "bad label", "label": "maybe"}');
    writeFileSync(data, lines.join('\n'));
    const model = join(dir, 'models', 'zh-sentiment.bin');
    const t = io();
    expect(await runCli(['train-sentiment', '--in', data, '--out', model, '--bits', '16', '--epochs', '2'], t.io)).toBe(0);
    expect(t.out()).toMatch(/wrote .*zh-sentiment\.bin/);
    expect(t.err()).toMatch(/line 61: label "maybe"/);
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, JSON.stringify({ id: 'x', text: '服务太差' }) + '\n');
    const t2 = io();
    expect(await runCli(['score', '--in', input, '--model-dir', join(dir, 'models')], t2.io)).toBe(0);
    expect(JSON.parse(t2.out()).sentiment.score).toBeLessThan(0);
  });

  it('--prior-shift writes class offsets that favour the rarer classes (3-class models only)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-prior-'));
    const data = join(dir, 'en.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(JSON.stringify({ text: `love this phone ${i}`, label: 'positive' }), JSON.stringify({ text: `the phone is out ${i}`, label: 'neutral' }));
    for (let i = 0; i < 8; i++) lines.push(JSON.stringify({ text: `hate this phone ${i}`, label: 'negative' }));
    writeFileSync(data, lines.join('\n'));
    const out = join(dir, 'en-sentiment.bin');
    const t = io();
    expect(await runCli(['train-sentiment', '--lang', 'en', '--in', data, '--out', out, '--bits', '14', '--epochs', '2', '--prior-shift', '1', '--storage', 'dense'], t.io)).toBe(0);
    const { offsets, storage } = LinearModel.load(out).header;
    expect(storage).toBe('dense');
    expect(offsets![0]).toBeGreaterThan(offsets![1]); // negatives (8) are rarer than neutrals (40) and positives (40)
    expect(offsets![0]).toBeGreaterThan(offsets![2]);
    expect(Math.abs(offsets![0] + offsets![1] + offsets![2])).toBeLessThan(1e-3);
    const bin = join(dir, 'zh.jsonl');
    writeFileSync(bin, [JSON.stringify({ text: '很好', label: 1 }), JSON.stringify({ text: '很差', label: 0 })].join('\n'));
    const t2 = io();
    expect(await runCli(['train-sentiment', '--lang', 'zh', '--in', bin, '--out', join(dir, 'zh.bin'), '--bits', '12', '--prior-shift', '1'], t2.io)).toBe(2);
    expect(t2.err()).toMatch(/--prior-shift is for 3-class models/);
  });

  // The built `score` inlines the text modules into one file (scripts/build.mjs) for start-up speed:
  // it must give byte-identical output and the same friendly errors as the sources.
  const BIN = new URL('../../node_modules/.bin/flarewatch', import.meta.url).pathname;
  const BUILT = new URL('../../dist/src/cli/commands/score.js', import.meta.url).pathname;
  if (!existsSync(BUILT)) console.warn('skipping the built-score test: run npm run build first');
  it.skipIf(!existsSync(BUILT) || !existsSync(BIN))('built score gives the same output and errors as the sources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-score-built-'));
    const input = join(dir, 'same.jsonl');
    writeFileSync(input, [
      { id: 'a', text: '星河乳業　喝出異物！已經打12315[怒] //@小王:真的假的 #食品安全# http://t.cn/x' },
      { id: 'b', text: 'Love it, BEST purchase this year 😍 @brand' },
      { id: 'c', title: '差评', text: '客服推诿，退款一个月都没到账' },
    ].map((r) => JSON.stringify(r)).join('\n') + '\nnot json\n');
    const t = io();
    expect(await runCli(['score', '--in', input], t.io)).toBe(0);
    const r = spawnSync(BIN, ['score', '--in', input], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(t.out());
    expect(r.stderr).toMatch(/line 4: not valid JSON/);
    const missing = spawnSync(BIN, ['score', '--in', join(dir, 'nope.jsonl')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.jsonl \(ENOENT\)[\s\S]*hint: check the path given to --in/);
  });
});
