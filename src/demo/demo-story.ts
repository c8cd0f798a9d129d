// The demo's made-up story: background chatter about the brand 云雀乳业, then a complaint that
// goes viral (reposts climbing fast, copies and "me too" posts), in accelerated wall-clock time.
// Pure: given seconds since the demo started, what exists and with which metrics.

export const DEMO_BRAND = '云雀乳业';

export interface DemoPost {
  id: string;
  t: number;              // seconds after start when it appears
  author: { id: number; name: string; followers: number; verified: boolean };
  text: string;
  /** reposts/comments/likes at `s` seconds after start */
  metrics(s: number): { reposts: number; comments: number; likes: number };
  channel: 'weibo' | 'forum' | 'review';
  title?: string;
  rating?: number;
}

const still = (r: number, c: number, l: number) => () => ({ reposts: r, comments: c, likes: l });

function viral(t0: number, final: number, tau: number) {
  return (s: number) => {
    if (s < t0) return { reposts: 0, comments: 0, likes: 0 };
    const r = Math.round(final * (1 - Math.exp(-(s - t0) / tau)));
    return { reposts: r, comments: Math.round(r * 0.45), likes: Math.round(r * 1.8) };
  };
}

const BACKGROUND = [
  '早餐换成了云雀乳业的酸奶，口感还可以',
  '超市里云雀牛奶在打折，囤了两箱',
  '有人喝过云雀乳业的新品吗？求推荐',
  '今天天气真好，出去跑步了',
  '云雀牛奶的包装换新了，挺好看的',
  '周末带娃去了动物园，累但开心',
  '云雀乳业赞助的马拉松报名开始了',
  '楼下新开了一家咖啡店，拿铁不错',
];

const ME_TOO = [
  '我也被云雀乳业坑了：买的牛奶没到保质期就胀袋了，客服说不归他们管',
  '我也被云雀乳业坑了：孩子喝完肚子疼，打客服电话一直没人接',
  '我也被云雀乳业坑了：退款申请提交一周了还没处理，投诉无门',
  '我也被云雀乳业坑了：奶粉罐里发现黑色异物，要求说法被推诿',
  '云雀乳业必须给个说法，这么多人出问题不是偶然',
  '已经打了12315，云雀乳业等着被市场监管调查吧',
];

export function demoPosts(): DemoPost[] {
  const posts: DemoPost[] = [];
  let n = 0;
  const user = (i: number, followers: number) => ({ id: 5_000_000_000 + i, name: `用户${100000 + i}`, followers, verified: false });
  BACKGROUND.forEach((text, i) => posts.push({ id: String(4_900_000_000_000_000 + ++n), t: i * 4, author: user(i, 80 + i * 37), text, metrics: still(i % 3, i % 4, 2 + i), channel: 'weibo' }));
  const seedText = '云雀乳业的牛奶喝出异物，孩子喝了以后上吐下泻住进医院，客服一直推诿，投诉无门，求扩散！';
  posts.push({ id: '4900000000009001', t: 20, author: { id: 6_074_892_193, name: '宝妈小林', followers: 2300, verified: false }, text: seedText, metrics: viral(20, 5200, 80), channel: 'weibo' });
  for (let i = 0; i < 40; i++) {
    const t = 26 + i * 3;
    const lead = ['扩散', '转发微博', '太可怕了', '已经报警了', '这是真的吗？云雀乳业出来回应', '心疼孩子'][i % 6];
    posts.push({ id: String(4_900_000_000_010_000 + i), t, author: user(100 + i, 50 + ((i * 97) % 900)), text: `${lead} //@宝妈小林:${seedText}`, metrics: still(0, i % 2, i % 5), channel: 'weibo' });
  }
  ME_TOO.forEach((text, i) => posts.push({ id: String(4_900_000_000_020_000 + i), t: 35 + i * 8, author: user(200 + i, 120 + i * 55), text, metrics: still(i % 3, 1 + (i % 4), 3 + i), channel: 'weibo' }));
  posts.push({ id: '880001', t: 45, author: user(300, 0), title: '云雀乳业奶粉出现异物，多名家长反映孩子住院', text: '论坛网友汇总：多位家长称饮用云雀乳业产品后出现呕吐腹泻，已向市场监管部门投诉。', metrics: still(0, 12, 0), channel: 'forum' });
  posts.push({ id: '990001', t: 55, author: user(301, 0), title: '云雀乳业：奶粉有异物，要求退款被拒', text: '购买的云雀乳业奶粉发现异物，孩子饮用后住院，客服拒绝退款，诉求：退款并赔偿。', metrics: still(0, 0, 0), channel: 'review', rating: 1 });
  return posts;
}

/** Weibo's created_at form: "Sat Jun 15 11:44:46 +0800 2019" (Asia/Shanghai). */
export function weiboDate(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3_600_000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (x: number) => String(x).padStart(2, '0');
  return `${days[t.getUTCDay()]} ${months[t.getUTCMonth()]} ${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} +0800 ${t.getUTCFullYear()}`;
}
