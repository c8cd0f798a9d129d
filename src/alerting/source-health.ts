// Source-health alerts for the admin receiver: a source failing N times in a row, blocked (the
// site refused the session: 401/403/432, a login wall; never a server error), or returning zero
// items N times when it usually has some. Notifies on state changes only (ok → failing → ok),
// never on every run. What the dashboard shows per source is crawl/source-health.ts's sourceState.
import type { Db } from '../db/connection.js';
import { storeOf } from '../db/store/index.js';
import type { AlertingConfig } from '../config/alerting-config.js';
import type { Level } from '../core/alert.js';
import { writeAudit } from '../desk/audit.js';
import type { NoticeQueue } from './follow-up.js';
import { handleAccountEvent } from './account-notice.js';

export interface SourceHealthEvent { sourceId: string; at: string; kind: string; message?: string; streak?: number; account?: { name: string; state: 'paused' | 'retired' } }
export type HealthState = 'ok' | 'failing' | 'blocked' | 'empty';

function consecutive(db: Db, sourceId: string, kind: string): number {
  let n = 0;
  for (const k of storeOf(db).sources.recentEventKinds(sourceId, 50)) { if (k === 'run') continue; if (k !== kind) break; n++; }
  return n;
}

/** The state this event moves the source to (pure given the db reads). */
export function nextHealthState(db: Db, config: AlertingConfig, ev: SourceHealthEvent, prev: HealthState): HealthState {
  const src = storeOf(db).sources.streaks(ev.sourceId);
  switch (ev.kind) {
    case 'blocked': return 'blocked';
    case 'error': {
      const streak = Math.max(1, ev.streak ?? 0, src?.error_streak ?? 0, consecutive(db, ev.sourceId, 'error'));
      return streak >= config.sourceHealth.errorStreak ? 'failing' : prev === 'blocked' ? prev : prev;
    }
    case 'empty': {
      const streak = Math.max(1, ev.streak ?? 0, src?.zero_streak ?? 0, consecutive(db, ev.sourceId, 'empty'));
      const usual = (src?.items_total ?? 0) > 0 || storeOf(db).sources.everHadItems(ev.sourceId);
      return streak >= config.sourceHealth.zeroStreak && usual ? 'empty' : prev;
    }
    case 'recovered': case 'ok': case 'run': return 'ok';
    default: return prev;
  }
}

const TEXT: Record<HealthState, { level: Level; zh: string; en: string }> = {
  ok: { level: 'P4', zh: '已恢复', en: 'recovered' },
  failing: { level: 'P2', zh: '连续失败', en: 'failing repeatedly' },
  blocked: { level: 'P2', zh: '被封禁/需更新登录 Cookie', en: 'blocked (the site refuses the session: login/cookies)' },
  empty: { level: 'P3', zh: '连续无数据', en: 'returning zero items' },
};

export function handleSourceHealth(db: Db, config: AlertingConfig, ev: SourceHealthEvent, now: Date, q: NoticeQueue): HealthState | null {
  // one account of the source's pool retired or paused: told once, the source's own state unchanged
  if (ev.kind === 'account') {
    handleAccountEvent(db, config, ev, now, q);
    return null;
  }
  const store = storeOf(db);
  const prev = (store.sources.healthState(ev.sourceId) as HealthState | undefined) ?? 'ok';
  const next = nextHealthState(db, config, ev, prev);
  if (next === prev) return null;
  store.atomic(() => {
    store.sources.setHealthState(ev.sourceId, next, now.toISOString(), ev.message ?? null);
    writeAudit(db, now, 'alerting', 'source.health', `source:${ev.sourceId}`, { from: prev, to: next, kind: ev.kind, message: ev.message });
    if (config.adminReceiver) {
      const t = TEXT[next];
      const title = `数据源 ${ev.sourceId} ${t.zh} / source ${ev.sourceId} ${t.en}`;
      const lines = [`${ev.kind}${ev.message ? `: ${ev.message}` : ''} (${ev.at})`];
      if (next === 'blocked') lines.push('请更新登录 Cookie 或降低抓取频率 / refresh the login cookies or slow the schedule');
      q.notice('source-health', config.adminReceiver, `sh:${ev.sourceId}:${next}:${now.toISOString()}`,
        { level: next === 'ok' ? TEXT[prev].level : t.level, title, topic: ev.sourceId, lines, state: next === 'ok' ? 'resolved' : 'firing' });
    }
  });
  return next;
}
