// CSV cell safety as properties: no text cell can start a formula, and every line parses back (RFC 4180).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvCell, csvLine, neutralizeFormula } from '../../src/report/csv-cell.js';

/** A minimal RFC 4180 parser for one record (CRLF-terminated). */
function parseRecord(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const body = line.replace(/\r\n$/, '');
  while (i <= body.length) {
    if (body[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (body[i] === '"' && body[i + 1] === '"') { v += '"'; i += 2; } else if (body[i] === '"') { i++; break; } else { v += body[i++]; }
      }
      out.push(v);
      i++; // comma
    } else {
      const j = body.indexOf(',', i);
      out.push(body.slice(i, j < 0 ? body.length : j));
      i = j < 0 ? body.length + 1 : j + 1;
    }
  }
  return out;
}

describe('csv cells', () => {
  it('prefixes the formula starters =, +, -, @, tab and CR', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(s)).toBe(`'${s}`);
    expect(csvCell('星河乳业')).toBe('星河乳业');
    expect(csvCell(-0.5)).toBe('-0.5'); // numbers stay numbers
    expect(csvCell(null)).toBe('');
  });

  it('property: a text cell never parses back to a formula and keeps its text', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 6 }), (cells) => {
      const parsed = parseRecord(csvLine(cells));
      expect(parsed.length).toBe(cells.length);
      parsed.forEach((p, k) => {
        expect(p).not.toMatch(/^[=+\-@\t\r]/);
        expect(p).toBe(/^[=+\-@\t\r]/.test(cells[k]) ? `'${cells[k]}` : cells[k]);
      });
    }), { numRuns: 500 });
  });
});
