import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { readEnv } from '../../src/config/env.js';

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
});
