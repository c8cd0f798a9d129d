// A local simulated site for `npm run demo` and tests: Weibo-API-shaped JSON (m.weibo.cn
// keyword search), a Discuz!-style forum RSS feed and 黑猫投诉-shaped complaint JSON, all telling the demo story
// as time passes, plus a webhook receiver that counts delivered alerts. 127.0.0.1 only.
import { createServer, type Server } from 'node:http';
import { demoPosts, weiboDate, type DemoPost } from './demo-story.js';

export interface SimSite {
  url: string;
  server: Server;
  /** alerts received on POST /hook */
  received: unknown[];
  close(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startSimSite(opts: { startedAt?: number; speed?: number; now?: () => number; port?: number } = {}): Promise<SimSite> {
  const now = opts.now ?? (() => Date.now());
  const started = opts.startedAt ?? now();
  const speed = opts.speed ?? 1;
  const posts = demoPosts();
  const elapsed = () => ((now() - started) / 1000) * speed;
  const visible = (channel: DemoPost['channel']) => posts.filter((p) => p.channel === channel && p.t <= elapsed()).sort((a, b) => b.t - a.t);
  const createdAt = (p: DemoPost) => new Date(started + (p.t * 1000) / speed);
  const received: unknown[] = [];

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, type: string, body: string) => { res.writeHead(status, { 'content-type': type }); res.end(body); };
    if (u.pathname === '/robots.txt') return send(200, 'text/plain', 'User-agent: *\nAllow: /\n');
    if (u.pathname === '/api/container/getIndex') {
      const page = Number(u.searchParams.get('page') ?? '1');
      if (page > 1) return send(200, 'application/json', JSON.stringify({ ok: 0, msg: '这里还没有内容', data: { cards: [] } }));
      const s = elapsed();
      const cards = visible('weibo').map((p) => {
        const m = p.metrics(s);
        return { card_type: 9, itemid: `seqid:${p.id}`, scheme: `https://m.weibo.cn/status/${p.id}`, mblog: {
          id: p.id, mid: p.id, bid: `B${p.id.slice(-6)}`, created_at: weiboDate(createdAt(p)), text: esc(p.text), source: '微博 weibo.com',
          reposts_count: m.reposts, comments_count: m.comments, attitudes_count: m.likes, isLongText: false,
          user: { id: p.author.id, screen_name: p.author.name, followers_count: p.author.followers, verified: p.author.verified, profile_url: `https://m.weibo.cn/u/${p.author.id}` },
        } };
      });
      return send(200, 'application/json', JSON.stringify({ ok: 1, data: { cardlistInfo: { containerid: u.searchParams.get('containerid'), page: 2, total: cards.length }, cards } }));
    }
    if (u.pathname === '/api/index/s') {
      // 黑猫投诉-shaped complaint search (result.data.lists[].main + author)
      const lists = visible('review').map((p) => ({
        main: { sn: p.id, title: esc(p.title ?? ''), summary: esc(p.text), timestamp: Math.floor(createdAt(p).getTime() / 1000),
          url: `//${req.headers.host}/complaint/view/${p.id}/`, cotitle: '云雀乳业', appeal: '退款并赔偿', status: '2', cost: '368元',
          upvote_amount: Math.round(elapsed() / 3), comment_amount: 4 },
        author: { title: p.author.name, id: String(p.author.id) },
      }));
      return send(200, 'application/json', JSON.stringify({ result: { status: { code: 0, msg: 'ok' }, data: { lists, pager: { current: 1, page_amount: 1 } } } }));
    }
    if (u.pathname === '/forum/rss.xml') {
      const ch = 'forum';
      const items = visible(ch).map((p) => `<item><title>${esc(p.title ?? '')}</title><link>${u.origin === 'null' ? '' : ''}http://${req.headers.host}/${ch}/${p.id}</link><guid>${ch}-${p.id}</guid><pubDate>${createdAt(p).toUTCString()}</pubDate><description>${esc(p.text)}</description></item>`).join('');
      return send(200, 'application/rss+xml; charset=utf-8', `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>家长论坛 - 育儿交流</title><link>http://${req.headers.host}/</link><description>demo</description>${items}</channel></rss>`);
    }
    if (u.pathname === '/hook' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => { if (body.length < 1 << 20) body += c; });
      req.on('end', () => {
        try { received.push(JSON.parse(body)); } catch { received.push(body); }
        send(200, 'application/json', '{"ok":true}');
      });
      return;
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`, server, received,
    close: () => new Promise<void>((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}
