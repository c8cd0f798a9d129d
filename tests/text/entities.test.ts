import { describe, expect, it } from 'vitest';
import { extractEntities, stripUrlsAndMentions } from '../../src/text/entities.js';

describe('extractEntities', () => {
  it('finds URLs, mentions, Weibo topics, emoticons and emoji', () => {
    const e = extractEntities('#星河乳业喝出异物# 气死了[怒][泪] @消费者小王 看这里 https://t.cn/A6abc?x=1 😡 #boycott');
    expect(e.hashtags).toEqual(['星河乳业喝出异物', 'boycott']);
    expect(e.emoticons).toEqual(['怒', '泪']);
    expect(e.mentions).toEqual(['消费者小王']);
    expect(e.urls).toEqual(['https://t.cn/A6abc?x=1']);
    expect(e.emoji).toEqual(['😡']);
  });
  it('splits the //@user: repost chain from the author\'s own words', () => {
    const e = extractEntities('太过分了//@张三:转发微博//@李四: 求扩散[怒]');
    expect(e.ownText).toBe('太过分了');
    expect(e.reposts).toEqual([{ user: '张三', text: '转发微博' }, { user: '李四', text: '求扩散[怒]' }]);
    expect(e.mentions).toEqual(['张三', '李四']);
  });
  it('returns empty lists for plain text and strips URLs and mentions', () => {
    const e = extractEntities('just a plain sentence');
    expect([e.urls, e.mentions, e.hashtags, e.emoticons, e.emoji, e.reposts]).toEqual([[], [], [], [], [], []]);
    expect(stripUrlsAndMentions('hi @bob see http://x.y/z ok').replace(/\s+/g, ' ')).toBe('hi see ok');
  });
});
