// Which cookies a source starts with: the env variable named in its config, WEIBO_COOKIES for
// the Weibo adapters, or nothing. (A Weibo visitor cookie can be fetched with weibo-visitor.ts.)
import type { Env } from '../config/env.js';
import { CookieJar } from './cookie-jar.js';

const COOKIE_DOMAINS: Record<string, string> = { weibo: 'weibo.cn', 'weibo-hot': 'weibo.cn', tieba: 'baidu.com', dianping: 'dianping.com', heimao: 'sina.com.cn' };

export function initialJar(adapterId: string, env: Env, cookieHeader?: string | null, url?: string): CookieJar {
  const header = cookieHeader ?? (adapterId.startsWith('weibo') ? env.weiboCookies : null);
  if (!header) return new CookieJar();
  let domain = COOKIE_DOMAINS[adapterId] ?? '';
  if (url) {
    try {
      const host = new URL(url).hostname;
      if (!domain || !host.endsWith(domain)) domain = host;
    } catch { /* keep the default */ }
  }
  return CookieJar.fromHeader(header, domain);
}
