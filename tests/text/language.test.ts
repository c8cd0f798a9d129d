import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/text/language.js';

describe('detectLanguage', () => {
  it.each([
    ['星河乳业的牛奶喝出异物了', 'zh'],
    ['這個產品真的很糟糕', 'zh'],
    ['小米SU7自燃了，太可怕', 'zh'],
    ['The new Office for Mac is great but no Lync update?', 'en'],
    ['@Microsoft worst update ever', 'en'],
    ['この商品は最悪です', 'other'],
    ['이 제품 정말 최악이에요', 'other'],
    ['Это ужасный продукт', 'other'],
    ['Le produit est très décevant, je ne recommande pas du tout à personne', 'other'],
    ['', 'other'],
    ['12345 !!!', 'other'],
  ])('%s -> %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});
