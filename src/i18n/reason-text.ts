// Alert reasons in the reader's language. The risk model writes each reason from a small set of
// English templates ("negative 80% of 12 posts", "reposts +340/h", "Weibo hot search #3 (new), heat
// 1.2M", ...); the alert contract keeps those strings. Everything a person reads (dashboard, IM,
// email, reports) goes through localizeReason(s), which recognises each template and renders it in
// zh-CN; a reason it does not recognise is shown as written. Pure; no dependencies.

export type ReasonLang = 'zh-CN' | 'en';

/** Severity categories (rules/severity.yaml) and danger families (rules/danger.yaml): English label -> Chinese. */
const CATEGORY_ZH: Record<string, string> = {
  'safety/health': '安全/健康', legal: '法律', regulator: '监管', 'mass action': '群体行动', mass_action: '群体行动', fraud: '欺诈/假冒',
  privacy: '隐私/数据泄露', discrimination: '歧视/拒绝服务', 'service failure': '服务问题', service: '服务问题',
  contaminant: '有害物质', foreign_object: '异物', spoilage: '变质/卫生', disease: '疾病/疫情', death_injury: '伤亡', accident: '事故',
  labour: '劳工问题', threat_violence: '威胁/暴力', official: '官方处置', exposure: '曝光/指控', turmoil: '人事/经营动荡', other: '其他',
};


/** Platform ids as a reader knows them. */
const SOURCE_NAMES: Record<string, { zh: string; en: string }> = {
  weibo: { zh: '微博', en: 'Weibo' }, 'weibo-hot': { zh: '微博热搜', en: 'Weibo hot search' }, tieba: { zh: '贴吧', en: 'Tieba' },
  discuz: { zh: '论坛', en: 'forum' }, heimao: { zh: '黑猫投诉', en: 'Heimao complaints' }, dianping: { zh: '大众点评', en: 'Dianping' },
  appstore: { zh: 'App Store', en: 'App Store' }, reddit: { zh: 'Reddit', en: 'Reddit' }, hn: { zh: 'Hacker News', en: 'Hacker News' },
  rss: { zh: '新闻订阅', en: 'RSS' }, web: { zh: '网页', en: 'web' }, browser: { zh: '网页', en: 'web' },
  'baidu-hot': { zh: '百度热搜', en: 'Baidu hot list' }, 'douyin-hot': { zh: '抖音热榜', en: 'Douyin hot list' }, 'zhihu-hot': { zh: '知乎热榜', en: 'Zhihu hot list' },
  'bilibili-hot': { zh: 'B站热门', en: 'Bilibili hot list' }, 'toutiao-hot': { zh: '头条热榜', en: 'Toutiao hot list' },
  xhs: { zh: '小红书', en: 'Xiaohongshu' }, douyin: { zh: '抖音', en: 'Douyin' }, bilibili: { zh: 'B站', en: 'Bilibili' }, zhihu: { zh: '知乎', en: 'Zhihu' }, kuaishou: { zh: '快手', en: 'Kuaishou' },
};

/** A platform id (weibo-hot, heimao) as the reader knows it. */
export function sourceName(id: string, lang: ReasonLang | string): string {
  const n = SOURCE_NAMES[id];
  if (!n) return id;
  return lang.toLowerCase().startsWith('zh') ? n.zh : n.en;
}

/** English hot-list names (as reasons write them) -> Chinese, from the platform names above */
const HOT_LIST_ZH: Record<string, string> = Object.fromEntries(
  Object.entries(SOURCE_NAMES).filter(([id]) => id.endsWith('-hot')).map(([, n]) => [n.en, n.zh]));

const WHY_ZH: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(\d+) hot-list topics of one story$/, (m) => `同一事件 ${m[1]} 个热搜话题`],
  [/^a health hazard$/, () => '涉及健康危害'],
  [/^an official action$/, () => '涉及官方处置'],
];

function duration(s: string): string {
  return s.replace(/(\d+(?:\.\d+)?) ?h\b/, '$1 小时').replace(/(\d+) ?min\b/, '$1 分钟');
}

const TEMPLATES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^negative (\d+)% of (\d+) posts$/, (m) => `负面占 ${m[1]}%（共 ${m[2]} 条）`],
  [/^severity: (.+)$/, (m) => `严重性：${m[1].split(/, (?=[^,]*\()/).map((part) => part.replace(/\(([^)]+)\)$/, (_x, c: string) => `（${CATEGORY_ZH[c] ?? c}）`).replace(/ （/, '（')).join('，')}`],
  [/^reposts \+(\S+)\/h$/, (m) => `转发 +${m[1]}/小时`],
  [/^(\S+) new posts\/h$/, (m) => `新增帖子 ${m[1]} 条/小时`],
  [/^too early to forecast: (\S+) reposts in (\d+) min$/, (m) => `刚刚发布，暂不预测：${m[2]} 分钟内转发 ${m[1]}`],
  [/^forecast (\S+) \((\S+)–(\S+)\) (?:in (\d+) h|by tomorrow)$/, (m) => `预测${m[4] ? ` ${m[4]} 小时内` : '明天前'}转发 ${m[1]}（${m[2]}–${m[3]}）`],
  [/^an author with (\S+) followers$/, (m) => `作者粉丝 ${m[1]}`],
  [/^(\d+) negative posts in (.+) vs (\S+) expected$/, (m) => `${duration(m[2])}内负面帖 ${m[1]} 条，常态约 ${m[3]} 条`],
  [/^engagement (\S+)× what the author's reach predicts$/, (m) => `互动量为作者影响力预期的 ${m[1]} 倍`],
  [/^(.+?) #(\d+)(?: \((new|up (\d+))\))?(?:, heat (\S+)(?: \+(\S+)\/h)?)?$/, (m) => {
    const list = HOT_LIST_ZH[m[1]] ?? `${m[1].replace(/ hot list$/, '')}热榜`;
    const move = m[3] === 'new' ? '，新上榜' : m[4] ? `，上升 ${m[4]} 位` : '';
    return `${list}第 ${m[2]} 位${move}${m[5] ? `，热度 ${m[5]}${m[6] ? `（+${m[6]}/小时）` : ''}` : ''}`;
  }],
  [/^(\d+) sources \((.+)\)$/, (m) => `${m[1]} 个来源（${m[2].split(', ').map((x) => sourceName(x, 'zh')).join('、')}）`],
  [/^damped: (\d+)% coordinated copies$/, (m) => `已降权：${m[1]}% 为协同复制内容`],
  [/^damped: resembles (\S+), called a false alarm by the desk$/, (m) => `已降权：与被标为误报的 ${m[1]} 相似`],
  [/^trouble on the hot list(?:: (.+))?$/, (m) => `热榜负面${m[1] ? `：${m[1].split(', ').map((w) => { for (const [re, f] of WHY_ZH) { const x = w.match(re); if (x) return f(x); } return w; }).join('，')}` : ''}`],
  [/^the topic reads as good news: not a crisis$/, () => '话题为正面消息，不是危机'],
  [/^the topic names no trouble: watch$/, () => '话题未见负面，保持关注'],
  [/^a severe allegation is on the hot-search list$/, () => '严重指控上了热搜'],
];

/** One reason in the reader's language (zh-CN or en); unknown reasons are returned as written. */
export function localizeReason(reason: string, lang: ReasonLang | string): string {
  if (!lang.toLowerCase().startsWith('zh')) return reason;
  for (const [re, render] of TEMPLATES) {
    const m = reason.match(re);
    if (m) return render(m);
  }
  return reason;
}

export function localizeReasons(reasons: readonly string[], lang: ReasonLang | string): string[] {
  return reasons.map((r) => localizeReason(r, lang));
}
