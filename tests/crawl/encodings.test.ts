// Page decoding across the encodings crawled sites use, including the ones a header may omit or
// lie about: BOMs win, then an honest header, then <meta>, then detection.
import { describe, it, expect } from 'vitest';
import iconv from 'iconv-lite';
import { decodeBody } from '../../src/crawl/charset.js';

const html = (s: string, meta = '') => `<html><head>${meta}<title>t</title></head><body><p>${s}</p></body></html>`;

describe('decodeBody', () => {
  it('Shift-JIS from the header and from <meta>', () => {
    const text = '日本語の苦情：返金されません';
    const bytes = iconv.encode(html(text), 'Shift_JIS');
    expect(decodeBody(bytes, 'text/html; charset=Shift_JIS').text).toContain(text);
    const withMeta = iconv.encode(html(text, '<meta charset="shift_jis">'), 'Shift_JIS');
    expect(decodeBody(withMeta, 'text/html').text).toContain(text);
  });

  it('UTF-16 LE and BE with a BOM, whatever the header says', () => {
    const text = '星河乳业 客服推诿 😡';
    for (const enc of ['utf16le', 'utf16be'] as const) {
      const bom = enc === 'utf16le' ? Buffer.from([0xff, 0xfe]) : Buffer.from([0xfe, 0xff]);
      const body = enc === 'utf16le' ? Buffer.from(html(text), 'utf16le') : Buffer.from(html(text), 'utf16le').swap16();
      const d = decodeBody(Buffer.concat([bom, body]), 'text/html; charset=iso-8859-1');
      expect(d.via).toBe('bom');
      expect(d.text).toContain(text);
    }
  });

  it('Latin-1 declared honestly', () => {
    const text = 'Réclamation: produit défectueux, remboursement refusé';
    expect(decodeBody(iconv.encode(html(text), 'latin1'), 'text/html; charset=ISO-8859-1').text).toContain(text);
  });

  it('GBK, GB18030 and Big5 served as utf-8 (a lying header) still decode', () => {
    const zh = '这个产品质量很差，客服推诿，要求退款';
    for (const enc of ['gbk', 'gb18030']) {
      const d = decodeBody(iconv.encode(html(zh), enc), 'text/html; charset=utf-8');
      expect(d.text).toContain(zh);
      expect(d.text).not.toMatch(/\uFFFD/);
    }
    const tw = '這個產品質量很差，客服推諉，要求退款';
    const big5 = decodeBody(iconv.encode(html(tw, '<meta http-equiv="Content-Type" content="text/html; charset=big5">'), 'big5'), 'text/html; charset=utf-8');
    expect(big5.text).toContain(tw);
  });
});
