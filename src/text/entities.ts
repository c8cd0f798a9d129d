// Social-media entities found in a post: URLs, @mentions, #话题# / #hashtags, Weibo emoticons like
// [怒] [泪] [doge], emoji, and the `//@user: ...` repost chain. Works on original or normalized text;
// the extracted values keep the casing of the text given.

export interface RepostHop { user: string; text: string }

export interface TextEntities {
  urls: string[];
  mentions: string[];
  hashtags: string[];
  /** Weibo-style bracket emoticons, without brackets: 怒, 泪, doge */
  emoticons: string[];
  emoji: string[];
  /** `//@user: text` hops, nearest first */
  reposts: RepostHop[];
  /** the author's own words: the text before the first `//@` */
  ownText: string;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'()（）\[\]{}\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+/gi;
const WEIBO_TOPIC_RE = /#([^#\n]{1,60}?)#/g;
// Explicit ranges (Latin, digits, CJK, kana, hangul) instead of \p{L}: the non-unicode regexes are much faster.
const NAME_CHARS = 'A-Za-z0-9_\\u00c0-\\u024f\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af';
const HASHTAG_RE = new RegExp(`(^|[^${NAME_CHARS}&])#([${NAME_CHARS}]{1,60})`, 'g');
const MENTION_RE = new RegExp(`@([${NAME_CHARS}\\-]{1,30})`, 'g');
const EMOTICON_RE = new RegExp(`\\[([${NAME_CHARS}]{1,8})\\]`, 'g');
const EMOJI_RE = /\p{Extended_Pictographic}/gu;
const REPOST_RE = new RegExp(`//\\s*@([${NAME_CHARS}\\-]{1,30})\\s*[:：]?`, 'g');

function uniq(xs: string[]): string[] {
  return xs.length < 2 ? xs : [...new Set(xs)];
}

/** All entities of one text. Cheap on texts that have none (each regex is guarded by a char test). */
export function extractEntities(text: string): TextEntities {
  const urls: string[] = [];
  const mentions: string[] = [];
  const hashtags: string[] = [];
  const emoticons: string[] = [];
  const emoji: string[] = [];
  const reposts: RepostHop[] = [];
  let ownText = text;
  let rest = text;
  if (text.includes('http')) {
    for (const m of text.matchAll(URL_RE)) urls.push(m[0].replace(/[.,;:!?。，；：！？]+$/, ''));
    rest = rest.replace(URL_RE, ' ');
  }
  if (rest.includes('#')) {
    for (const m of rest.matchAll(WEIBO_TOPIC_RE)) {
      const t = m[1].trim();
      if (t && !/^\s|^%|^[\d\s]+$/.test(m[1])) hashtags.push(t);
    }
    const withoutTopics = rest.replace(WEIBO_TOPIC_RE, ' ');
    for (const m of withoutTopics.matchAll(HASHTAG_RE)) if (!/^\d+$/.test(m[2])) hashtags.push(m[2]);
  }
  if (rest.includes('@')) {
    for (const m of rest.matchAll(MENTION_RE)) mentions.push(m[1]);
    if (rest.includes('//')) {
      const hops = [...rest.matchAll(REPOST_RE)];
      if (hops.length) {
        ownText = rest.slice(0, hops[0].index).trim();
        hops.forEach((m, i) => {
          const end = i + 1 < hops.length ? hops[i + 1].index : rest.length;
          reposts.push({ user: m[1], text: rest.slice(m.index + m[0].length, end).trim() });
        });
      }
    }
  }
  if (rest.includes('[')) for (const m of rest.matchAll(EMOTICON_RE)) emoticons.push(m[1]);
  if (hasNonBmpOrSymbol(rest)) for (const m of rest.matchAll(EMOJI_RE)) emoji.push(m[0]);
  return { urls: uniq(urls), mentions: uniq(mentions), hashtags: uniq(hashtags), emoticons, emoji, reposts, ownText };
}

/** Quick test before running the emoji regex: surrogate pairs or the U+2000..U+3300 symbol blocks. */
function hasNonBmpOrSymbol(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0xd800 && c <= 0xdbff) || (c >= 0x2100 && c <= 0x2bff) || c === 0x3030 || c === 0x303d || c === 0x3297 || c === 0x3299) return true;
  }
  return false;
}

/** Remove URLs and @mentions (names carry no sentiment and only add noise to a model). */
export function stripUrlsAndMentions(text: string): string {
  let s = text;
  if (s.includes('http')) s = s.replace(URL_RE, ' ');
  if (s.includes('@')) s = s.replace(MENTION_RE, ' ');
  return s;
}
