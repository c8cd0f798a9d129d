// The repost forecast's "too early" wording in a reader's language. When the pipeline flags a
// forecast as early (src/pipeline/forecast-bounds.ts: the post is minutes old or seen in fewer than
// three snapshots) a person is told what is known so far, the reposts and the post's age, instead
// of a number extrapolated from a steep start. Pure; no dependencies.
import type { ReasonLang } from './reason-text.js';

export interface EarlyForecast { reposts: number; minutes: number }

function fmtNum(v: number): string { return Math.round(v).toLocaleString('en-US'); }

/** The post's age: minutes under 90, then hours (one decimal under 10), then days from 48 h. */
export function ageText(minutes: number, lang: ReasonLang | string): string {
  const zh = lang.toLowerCase().startsWith('zh');
  const m = Math.max(1, Math.round(minutes));
  if (m < 90) return zh ? `${m} 分钟` : `${m} min`;
  const h = m / 60;
  if (h < 48) {
    const v = h < 10 ? String(Math.round(h * 10) / 10) : String(Math.round(h));
    return zh ? `${v} 小时` : `${v} h`;
  }
  const d = Math.round(h / 24);
  return zh ? `${d} 天` : `${d} d`;
}

/** "尚早，暂不预测（发布 2 分钟，已转发 4,100）" / "too early to forecast (post 2 min old, 4,100 reposts so far)". */
export function earlyForecastText(e: EarlyForecast, lang: ReasonLang | string): string {
  const age = ageText(e.minutes, lang);
  return lang.toLowerCase().startsWith('zh')
    ? `尚早，暂不预测（发布 ${age}，已转发 ${fmtNum(e.reposts)}）`
    : `too early to forecast (post ${age} old, ${fmtNum(e.reposts)} reposts so far)`;
}
