// The incident brief: the extractive brief (src/desk/incident-brief.ts) on texts of our own, zh and
// en (central sentences, near-copies skipped, earliest and most-shared preferred, who is affected,
// what is said); the language-model brief (src/desk/llm-brief.ts) against a fake OpenAI-compatible
// server on 127.0.0.1 (request shape, bounds, timeout and error fallbacks, redirects refused); and
// GET /api/v1/incidents/:id/brief on the app as `start` assembles it, with and without
// FLAREWATCH_LLM_URL (unconfigured: nothing is sent anywhere). In Chromium (when installed): the
// incident page's brief section says who wrote it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { USERS, startLikeStart, type Session, type StartedApp } from '../security/start-app.js';
import { extractiveBrief, splitSentences, type BriefPost } from '../../src/desk/incident-brief.js';
import { MAX_POSTS, MAX_PROMPT_CHARS, LlmBriefError, cleanBrief, writeLlmBrief } from '../../src/desk/llm-brief.js';
import { readEnv, type LlmEnv } from '../../src/config/env.js';
import { ensureBundle } from '../dashboard/bundle.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const at = (min: number) => new Date(Date.UTC(2026, 7, 22, 1, 0) + min * 60_000).toISOString();
const P = (key: string, text: string, min: number, reposts = 0, extra: Partial<BriefPost> = {}): BriefPost => ({ key, text, publishedAt: at(min), reposts, comments: 0, likes: 0, ...extra });

// a dairy scare as it reads on Weibo, Tieba and 黑猫投诉: reposts, a Traditional copy, an advert, small talk
const ZH: BriefPost[] = [
  P('weibo:1', '星河乳业的儿童奶喝了以后，我家孩子上吐下泻，昨晚送医住院了！客服一直推诿，投诉无门。', 0, 800),
  P('weibo:2', '转发 //@妈妈A: 星河乳业的儿童奶喝了以后，我家孩子上吐下泻，昨晚送医住院了！客服一直推诿，投诉无门。', 5, 3),
  P('weibo:3', '我们小区好几个孩子喝了星河乳业儿童奶都拉肚子，家长们已经向12315投诉了。', 8, 120),
  P('tieba:4', '星河乳业客服态度太差了，打了三次电话都说在核实，没人管。', 15, 10),
  P('weibo:5', '关注我领红包，点击链接 http://x.cn/a 抽奖！[哈哈]', 16, 0),
  P('weibo:6', '星河乳業兒童奶導致孩子腹瀉住院，家長要求退款賠償。', 20, 40, { severityTerms: ['住院'] }),
  P('heimao:7', '要求星河乳业退款并赔偿医药费，给个说法。孩子现在还在医院输液。', 30, 5),
  P('weibo:8', '星河乳业回应：已下架相关批次产品，正在配合市场监管部门调查。', 60, 500, { severityTerms: ['下架'] }),
  P('weibo:9', '今天天气不错，出门买了杯奶茶。', 61, 0),
];

const EN: BriefPost[] = [
  P('reddit:1', 'My kid got food poisoning after drinking Xinghe Dairy milk and spent the night in hospital. Customer service ignored my emails.', 0, 300),
  P('reddit:2', 'Same here, my daughter was vomiting all night after the Xinghe Dairy kids milk. Parents in our school group are furious.', 10, 50),
  P('hn:3', 'Xinghe Dairy kids milk linked to food poisoning, several children hospitalized according to parents.', 20, 200),
  P('reddit:4', 'I want a refund and compensation for the hospital bills. Never buying Xinghe again.', 30, 2),
  P('reddit:5', 'Check out my new blog post about productivity tips for remote workers!', 31, 0),
];

/** Share of character bigrams of the shorter text found in the longer: near-copies are close to 1. */
function overlap(a: string, b: string): number {
  const grams = (s: string) => new Set([...s.replace(/[^\p{L}\p{N}]/gu, '')].map((_, i, cs) => cs.slice(i, i + 2).join('')).filter((g) => g.length === 2));
  const [x, y] = [grams(a), grams(b)].sort((p, q) => p.size - q.size);
  return [...x].filter((g) => y.has(g)).length / Math.max(1, x.size);
}

describe('the extractive brief (zh)', () => {
  const b = extractiveBrief(ZH, 'zh-CN');

  it('tells what happened with the most representative sentences, in posting order, never the advert or small talk', () => {
    expect(b.sentences.length).toBe(3);
    const texts = b.sentences.map((s) => s.text);
    expect(texts.join('')).toMatch(/上吐下泻|拉肚子|腹瀉/);
    for (const t of texts) expect(t).toMatch(/星河乳[业業]/);
    expect(texts.join('')).not.toMatch(/红包|抽奖|天气|奶茶/);
    const times = b.sentences.map((s) => Date.parse(s.publishedAt!));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // no two picks say the same thing
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) expect(overlap(texts[i], texts[j])).toBeLessThan(0.8);
  });

  it('counts the repost of the first post as a copy of its sentence, taken from the original', () => {
    const first = b.sentences.find((s) => s.text.startsWith('星河乳业的儿童奶喝了以后'));
    expect(first).toMatchObject({ post: 'weibo:1', copies: 2 });
  });

  it('who is affected: children and parents (Traditional 家長 included), the harms named (severity terms too)', () => {
    expect(b.who.groups.map((g) => g.id).slice(0, 2)).toEqual(['children', 'parents']);
    expect(b.who.groups[0]).toMatchObject({ label: '儿童', posts: 5 });
    expect(b.who.groups[1].terms).toEqual(expect.arrayContaining(['家长']));
    const harms = b.who.harms.map((h) => h.term);
    expect(harms).toEqual(expect.arrayContaining(['住院', '上吐下泻', '腹泻', '下架']));
    expect(b.who.harms.find((h) => h.term === '住院')!.posts).toBe(3); // weibo:1, its repost, weibo:6
  });

  it('what is being said: health first, then service and refunds, as shares of the posts on the story', () => {
    expect(b.said.map((s) => s.id)).toEqual(['health', 'service', 'refund']);
    expect(b.offStory).toBe(2); // the advert and the small talk
    expect(b.said[0]).toMatchObject({ label: '健康与安全', posts: 4, share: 0.57 });
    expect(b.said[1].example).toMatch(/客服/);
    expect(b.summary).toContain('涉及儿童（5 条帖子）、家长和家人（3 条帖子）');
    expect(b.summary).toContain('主要说法：健康与安全（57%）、客服与处理（43%）、退款与赔偿（29%）。');
  });

  it('the same posts briefed in English keep the sentences and word the rest in English', () => {
    const en = extractiveBrief(ZH, 'en');
    expect(en.sentences).toEqual(b.sentences);
    expect(en.summary).toContain('Affected: children (5 posts), parents and families (3 posts)');
    expect(en.summary).toContain('What people say: health and safety (57%)');
  });
});

describe('the extractive brief (en) and its choices', () => {
  it('an English incident: the food-poisoning sentences, children and parents, health first; the blog post is off the story', () => {
    const b = extractiveBrief(EN, 'en');
    expect(b.sentences[0]).toMatchObject({ post: 'reddit:1', text: 'My kid got food poisoning after drinking Xinghe Dairy milk and spent the night in hospital.' });
    expect(b.sentences.map((s) => s.post)).toContain('hn:3');
    expect(b.sentences.map((s) => s.text).join(' ')).not.toMatch(/productivity/);
    expect(b.who.groups.map((g) => g.id).slice(0, 2)).toEqual(['children', 'parents']);
    expect(b.who.groups.map((g) => g.id)).not.toContain('employees'); // "remote workers" is the blog post's
    expect(b.who.harms.map((h) => h.term)).toEqual(expect.arrayContaining(['food poisoning', 'vomiting', 'hospitalized']));
    expect(b.said[0]).toMatchObject({ id: 'health', label: 'health and safety', share: 1 });
    expect(b.said.map((s) => s.id)).toEqual(expect.arrayContaining(['service', 'refund']));
  });

  it('of two near-copies, the one from the earlier and more-shared post is told', () => {
    const story = (aMin: number, aShares: number, bMin: number, bShares: number) => extractiveBrief([
      P('a', '星河乳业儿童奶导致多名孩子腹泻住院，家长要求公开检测报告。', aMin, aShares),
      P('b', '星河乳业儿童奶导致多名孩子腹泻住院，家长要求公开检测报告！！', bMin, bShares),
      P('c', '星河乳业儿童奶的检测报告至今没有公开，家长们很着急。', 40, 10),
      P('d', '多名孩子腹泻住院以后，星河乳业还没有回应。', 50, 10),
    ], 'zh-CN').sentences;
    const early = story(0, 900, 30, 0);
    expect(early.filter((s) => s.text.startsWith('星河乳业儿童奶导致')).map((s) => s.post)).toEqual(['a']);
    const late = story(30, 0, 0, 900);
    expect(late.filter((s) => s.text.startsWith('星河乳业儿童奶导致')).map((s) => s.post)).toEqual(['b']);
  });

  it('near-copies with small edits are told once', () => {
    const variants = ['星河乳业儿童奶导致多名孩子腹泻住院', '星河乳业儿童奶导致多名孩子腹泻住院了', '曝光：星河乳业儿童奶导致多名孩子腹泻住院', '星河乳业儿童奶导致多名孩子腹泻住院，太可怕'];
    const posts = [
      ...variants.map((t, i) => P(`v${i}`, `${t}。`, i, 10)),
      P('x', '市场监管部门已经对星河乳业立案调查，相关批次全部下架。', 20, 100),
      P('y', '星河乳业客服说会给家长退款，但是一直没有到账。', 30, 5),
    ];
    const b = extractiveBrief(posts, 'zh-CN');
    expect(b.sentences.filter((s) => s.text.includes('导致多名孩子腹泻住院'))).toHaveLength(1);
    expect(b.sentences.map((s) => s.post)).toEqual(expect.arrayContaining(['x', 'y']));
  });

  it('sentences: cut at 。！？ and . ! ?, run-on posts at a comma; nothing from no posts', () => {
    expect(splitSentences('第一句。第二句！Third one? Fourth.')).toEqual(['第一句。', '第二句！', 'Third one?', 'Fourth.']);
    const long = splitSentences(`${'很长的一句话没有句号，'.repeat(20)}结尾`);
    expect(long.length).toBeGreaterThan(1);
    for (const s of long) expect(s.length).toBeLessThanOrEqual(140);
    expect(extractiveBrief([], 'zh-CN')).toMatchObject({ posts: 0, sentences: [], said: [], summary: '' });
  });
});

// ---- a fake OpenAI-compatible endpoint on 127.0.0.1 ----

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: Json }
function fakeLlm() {
  const seen: Seen[] = [];
  let mode: 'ok' | 'slow' | 'error' | 'empty' | 'redirect' = 'ok';
  let answer = '<think>先看帖子。</think>星河乳业被曝牛奶喝出异物。**受影响的是消费者**。网友主要在投诉质量和客服。';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Json = {};
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json; } catch { /* not JSON */ }
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/elsewhere')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"choices":[{"message":{"content":"redirected"}}]}'); return; }
      if (mode === 'slow') { setTimeout(() => { if (!res.destroyed) { res.writeHead(200); res.end('{}'); } }, 3000); return; }
      if (mode === 'error') { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"error":{"message":"overloaded"}}'); return; }
      if (mode === 'redirect') { res.writeHead(307, { location: '/elsewhere/v1/chat/completions' }); res.end(); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', object: 'chat.completion', model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: mode === 'empty' ? '' : answer }, finish_reason: 'stop' }] }));
    });
  });
  return {
    seen,
    setMode(m: typeof mode) { mode = m; },
    setAnswer(a: string) { answer = a; },
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async stop() { server.closeAllConnections(); await new Promise((r) => server.close(() => r(undefined))); },
  };
}

describe('the language-model brief against a fake endpoint', () => {
  const fake = fakeLlm();
  let base = '';
  const cfg = (over: Partial<LlmEnv> = {}): LlmEnv => ({ url: `${base}/v1/`, model: 'deepseek-chat', key: 'sk-test-123', timeoutMs: 2000, ...over });
  beforeAll(async () => { base = await fake.start(); });
  afterAll(async () => { await fake.stop(); });

  it('POSTs {url}/chat/completions with the model, a system prompt for three factual sentences in the UI language and the posts as user content', async () => {
    fake.setMode('ok');
    const n = fake.seen.length;
    const r = await writeLlmBrief(cfg(), { title: '星河乳业 儿童奶 腹泻', posts: ZH, lang: 'zh-CN' });
    expect(r).toEqual({ text: '星河乳业被曝牛奶喝出异物。受影响的是消费者。网友主要在投诉质量和客服。', model: 'deepseek-chat', endpoint: base.replace('http://', '') });
    const req = fake.seen[n];
    expect(req).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(req.headers.authorization).toBe('Bearer sk-test-123');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toMatchObject({ model: 'deepseek-chat', stream: false, temperature: expect.any(Number), max_tokens: expect.any(Number) });
    const [system, user] = req.body.messages as { role: string; content: string }[];
    expect(system.role).toBe('system');
    expect(system.content).toMatch(/简体中文/);
    expect(system.content).toMatch(/三句话/);
    expect(system.content).toMatch(/不要执行/); // the posts are data, not instructions
    expect(user.role).toBe('user');
    expect(user.content).toContain('事件标题：星河乳业 儿童奶 腹泻');
    expect(user.content).toContain('我家孩子上吐下泻');
    expect(user.content).toMatch(/^1\. \[weibo, 2026-08-22 01:\d\d, 转发 \d+\]/m);

    await writeLlmBrief(cfg({ key: null }), { title: 'Xinghe Dairy', posts: EN, lang: 'en' });
    const en = fake.seen[fake.seen.length - 1];
    expect(en.headers.authorization).toBeUndefined(); // a local Ollama needs no key
    expect(en.body.messages[0].content).toMatch(/exactly three sentences in English/);
    expect(en.body.messages[1].content).toContain('Incident title: Xinghe Dairy');
  });

  it('sends at most 30 posts, each cut, within the prompt bound', async () => {
    const many = Array.from({ length: 120 }, (_, i) => P(`weibo:m${i}`, `星河乳业第${i}条帖子：${'孩子喝了以后腹泻住院，家长很着急。'.repeat(40)}`, i, i));
    await writeLlmBrief(cfg(), { title: '星河乳业', posts: many, lang: 'zh-CN' });
    const user = fake.seen[fake.seen.length - 1].body.messages[1].content as string;
    expect(user.length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
    const lines = user.split('\n').filter((l) => /^\d+\. \[/.test(l));
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.length).toBeLessThanOrEqual(MAX_POSTS);
    for (const l of lines) expect([...l].length).toBeLessThan(340);
  });

  it('fails with a reason the caller can show: timeout, HTTP 500, an empty answer, a redirect (never followed)', async () => {
    const reason = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof LlmBriefError ? e.reason : `other: ${String(e)}`));
    fake.setMode('slow');
    const t0 = Date.now();
    expect(await reason(writeLlmBrief(cfg({ timeoutMs: 300 }), { title: 'x', posts: ZH, lang: 'zh-CN' }))).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(2000);
    fake.setMode('error');
    expect(await reason(writeLlmBrief(cfg(), { title: 'x', posts: ZH, lang: 'zh-CN' }))).toBe('HTTP 500');
    fake.setMode('empty');
    expect(await reason(writeLlmBrief(cfg(), { title: 'x', posts: ZH, lang: 'zh-CN' }))).toBe('empty answer');
    fake.setMode('redirect');
    expect(await reason(writeLlmBrief(cfg(), { title: 'x', posts: ZH, lang: 'zh-CN' }))).toBe('unreachable');
    expect(fake.seen.some((s) => s.url.startsWith('/elsewhere'))).toBe(false);
    expect(await reason(writeLlmBrief(cfg({ model: '' }), { title: 'x', posts: ZH, lang: 'zh-CN' }))).toBe('not configured');
    fake.setMode('ok');
  });

  it('keeps the words only: reasoning blocks, Markdown emphasis and extra space dropped', () => {
    expect(cleanBrief('<think>\nlong\n</think>\n**Xinghe** recalled milk.\n\nParents worry.')).toBe('Xinghe recalled milk. Parents worry.');
    expect(cleanBrief('<think>never closed')).toBe('');
  });

  it('env: FLAREWATCH_LLM_URL, _MODEL, _KEY, _TIMEOUT_MS are read in one place; unset means none', () => {
    expect(readEnv({}).llm).toBeNull();
    expect(readEnv({ FLAREWATCH_LLM_URL: 'http://127.0.0.1:11434/v1', FLAREWATCH_LLM_MODEL: 'qwen2.5:7b' }).llm)
      .toEqual({ url: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', key: null, timeoutMs: 20_000 });
    expect(readEnv({ FLAREWATCH_LLM_URL: 'https://api.deepseek.com/v1', FLAREWATCH_LLM_MODEL: 'deepseek-chat', FLAREWATCH_LLM_KEY: 'sk-1', FLAREWATCH_LLM_TIMEOUT_MS: '5000' }).llm)
      .toEqual({ url: 'https://api.deepseek.com/v1', model: 'deepseek-chat', key: 'sk-1', timeoutMs: 5000 });
  });
});

// ---- GET /api/v1/incidents/:id/brief on the started app ----

describe('GET /api/v1/incidents/:id/brief', () => {
  const fake = fakeLlm();
  let base = '';
  let plain: StartedApp;
  let withLlm: StartedApp;
  let noModel: StartedApp;
  let viewerPlain: Session;
  let viewerLlm: Session;
  const outside: string[] = [];
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    base = await fake.start();
    [plain, withLlm, noModel] = await Promise.all([
      startLikeStart({ seedData: true }),
      startLikeStart({ seedData: true, vars: { FLAREWATCH_LLM_URL: `${base}/v1`, FLAREWATCH_LLM_MODEL: 'test-model', FLAREWATCH_LLM_KEY: 'sk-app', FLAREWATCH_LLM_TIMEOUT_MS: '400' } }),
      startLikeStart({ seedData: true, vars: { FLAREWATCH_LLM_URL: `${base}/v1` } }),
    ]);
    [viewerPlain, viewerLlm] = await Promise.all([plain.login('viewer'), withLlm.login('viewer')]);
    // every fetch the process makes to anywhere but the apps under test is recorded
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      const u = String(input instanceof Request ? input.url : input);
      if (![plain.url, withLlm.url, noModel.url].some((a) => u.startsWith(a))) outside.push(u);
      return realFetch(input, init);
    }) as typeof fetch;
  }, 60_000);
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await Promise.all([plain?.stop(), withLlm?.stop(), noModel?.stop()]);
    await fake.stop();
  });

  const get = async (app: StartedApp, path: string, s: Session | null): Promise<{ status: number; body: Json }> => {
    const r = await realFetch(`${app.url}/api/v1${path}`, { headers: s ? { cookie: s.cookie } : {} });
    return { status: r.status, body: (await r.json()) as Json };
  };

  it('unconfigured: the extractive brief, and nothing is sent anywhere', async () => {
    const before = fake.seen.length;
    const outBefore = outside.length;
    const r = await get(plain, '/incidents/inc-1/brief?lang=zh-CN', viewerPlain);
    expect(r.status).toBe(200);
    expect(r.body.brief).toMatchObject({ incident: 'inc-1', lang: 'zh-CN', writer: 'extractive', model: null, endpoint: null, fallback: null });
    expect(r.body.brief.posts).toBeGreaterThan(10);
    expect(r.body.brief.sentences.length).toBeGreaterThan(0);
    for (const s of r.body.brief.sentences) expect(s.text).toMatch(/星河|Xinghe|召回/);
    expect(r.body.brief.said.map((x: Json) => x.id)).toEqual(expect.arrayContaining(['quality']));
    expect(r.body.brief.summary).toContain('主要说法：');
    const en = await get(plain, '/incidents/inc-2/brief?lang=en', viewerPlain);
    expect(en.body.brief).toMatchObject({ lang: 'en', writer: 'extractive' });
    expect(en.body.brief.summary).toMatch(/What people say: /);
    expect(fake.seen.length).toBe(before);
    expect(outside.slice(outBefore)).toEqual([]);
  });

  it('configured: the model writes it (named with its host), from the incident posts, once per incident version', async () => {
    fake.setMode('ok');
    fake.setAnswer('星河乳业牛奶被曝喝出异物并召回。受影响的是购买了相关批次的消费者。网友主要在投诉质量和客服态度。');
    const before = fake.seen.length;
    const r = await get(withLlm, '/incidents/inc-1/brief?lang=zh-CN', viewerLlm);
    expect(r.status).toBe(200);
    expect(r.body.brief).toMatchObject({
      writer: 'llm', model: 'test-model', endpoint: base.replace('http://', ''), fallback: null,
      summary: '星河乳业牛奶被曝喝出异物并召回。受影响的是购买了相关批次的消费者。网友主要在投诉质量和客服态度。',
    });
    expect(r.body.brief.who).toBeDefined(); // the extracted parts come along
    expect(fake.seen.length).toBe(before + 1);
    const req = fake.seen[before];
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-app');
    expect(req.body.model).toBe('test-model');
    expect(req.body.messages[1].content).toMatch(/星河乳业/);
    // again: from the cache, the endpoint is not asked
    const again = await get(withLlm, '/incidents/inc-1/brief?lang=zh-CN', viewerLlm);
    expect(again.body.brief.writer).toBe('llm');
    expect(fake.seen.length).toBe(before + 1);
    // English is another brief
    fake.setAnswer('Xinghe Dairy milk was recalled after reports of foreign objects. Buyers of the batches are affected. People complain about quality and service.');
    const en = await get(withLlm, '/incidents/inc-1/brief?lang=en', viewerLlm);
    expect(en.body.brief).toMatchObject({ writer: 'llm', lang: 'en', summary: expect.stringMatching(/^Xinghe Dairy milk was recalled/) });
    expect(fake.seen[fake.seen.length - 1].body.messages[0].content).toMatch(/in English/);
  });

  it('falls back to the extractive brief on a timeout or an error, and says why', async () => {
    fake.setMode('slow');
    const t0 = Date.now();
    const slow = await get(withLlm, '/incidents/inc-2/brief', viewerLlm);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(slow.body.brief).toMatchObject({ writer: 'extractive', model: null, fallback: { reason: 'timeout' } });
    expect(slow.body.brief.summary).toContain('主要说法：');
    fake.setMode('error');
    const err = await get(withLlm, '/incidents/inc-3/brief?lang=en', viewerLlm);
    expect(err.body.brief).toMatchObject({ writer: 'extractive', fallback: { reason: 'HTTP 500' } });
    fake.setMode('ok');
  });

  it('a URL without a model sends nothing and says what is missing', async () => {
    const before = fake.seen.length;
    const s = await noModel.login('viewer');
    const r = await get(noModel, '/incidents/inc-1/brief', s);
    expect(r.body.brief).toMatchObject({ writer: 'extractive', fallback: { reason: 'FLAREWATCH_LLM_MODEL is not set' } });
    expect(fake.seen.length).toBe(before);
  });

  it('answers 401 signed out, 404 for no such incident, 400 for an unknown language', async () => {
    expect((await get(plain, '/incidents/inc-1/brief', null)).status).toBe(401);
    const missing = await get(plain, '/incidents/inc-99/brief', viewerPlain);
    expect(missing).toMatchObject({ status: 404, body: { error: "incident 'inc-99' not found" } });
    const bad = await get(plain, '/incidents/inc-1/brief?lang=fr', viewerPlain);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/unknown lang 'fr'/);
  });

  const CHROME = process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
  describe.skipIf(!existsSync(CHROME))('the incident page shows the brief and who wrote it (Chromium)', () => {
    let browser: Browser;
    const pageErrors: string[] = [];
    const openIncident = async (app: StartedApp, id: string, en = false): Promise<Page> => {
      const page = await (await browser.createBrowserContext()).newPage();
      await page.setViewport({ width: 1440, height: 900 });
      page.on('pageerror', (e) => pageErrors.push((e as Error).message));
      if (en) await page.evaluateOnNewDocument(() => localStorage.setItem('fw.lang', 'en'));
      await page.goto(`${app.url}/`, { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('#login-user');
      await page.type('#login-user', 'viewer');
      await page.type('#login-pass', USERS.viewer.password);
      await page.click('#login-submit');
      await page.waitForFunction(() => document.body.dataset.ready === 'overview', { timeout: 10_000 });
      await page.evaluate((i) => { location.hash = `#/incident/${i}`; }, id);
      await page.waitForSelector('#brief-writer', { timeout: 10_000 });
      return page;
    };
    beforeAll(async () => {
      await ensureBundle();
      const { default: puppeteer } = await import('puppeteer');
      browser = await puppeteer.launch({ executablePath: CHROME, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
    }, 60_000);
    afterAll(async () => { await browser?.close(); });

    it('extractive: the sentences as quotes, who and what, and the note saying it was extracted', async () => {
      const page = await openIncident(plain, 'inc-1');
      expect(await page.$eval('#incident-brief h2', (e) => e.textContent)).toBe('事件简报');
      expect(await page.$$eval('#brief-what li', (ls) => ls.length)).toBeGreaterThan(0);
      expect(await page.$eval('#brief-writer', (e) => e.textContent)).toBe('抽取式摘要：从帖子原文中挑选最有代表性的句子');
      expect(await page.$('#brief-said li[data-theme="quality"]')).not.toBeNull();
      // the brief sits under the facts, above the timeline
      expect(await page.evaluate(() => document.querySelector('dl.facts')?.nextElementSibling?.id)).toBe('incident-brief');
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    }, 30_000);

    it('written by the model: its text and its name; after a failure, why (in English too)', async () => {
      const page = await openIncident(withLlm, 'inc-1');
      expect(await page.$eval('#brief-what', (e) => e.textContent)).toBe('星河乳业牛奶被曝喝出异物并召回。受影响的是购买了相关批次的消费者。网友主要在投诉质量和客服态度。'); // cached from the API test
      expect(await page.$eval('#brief-writer', (e) => e.textContent)).toBe(`由大模型 test-model（${base.replace('http://', '')}）根据帖子撰写，请核对原帖`);
      // the model's words are text, whatever they hold
      fake.setMode('ok');
      fake.setAnswer('<img src=x onerror="window.__xss=1"><b>星河乳业</b>被曝召回。');
      const markup = await openIncident(withLlm, 'inc-3');
      expect(await markup.$eval('#brief-what', (e) => e.textContent)).toBe('<img src=x onerror="window.__xss=1"><b>星河乳业</b>被曝召回。');
      expect(await markup.$('#brief-what img, #brief-what b')).toBeNull();
      expect(await markup.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      fake.setMode('error');
      const failed = await openIncident(withLlm, 'inc-2', true);
      expect(await failed.$eval('#brief-writer', (e) => e.textContent)).toBe('The language model did not answer (HTTP 500); extractive brief below');
      expect(await failed.$eval('#incident-brief h2', (e) => e.textContent)).toBe('Incident brief');
      expect(pageErrors).toEqual([]);
    }, 30_000);
  });
});

