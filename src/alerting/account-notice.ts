// The source-health notice for one account of a source's pool retired or paused (an `account`
// health event, src/crawl/account-pool.ts). Unlike the source's own state changes it does not move
// the source's health state (other accounts may still crawl); it is told once per event, to the
// admin receiver, on the same path as the other source-health notices, and written to the audit log.
import type { Db } from '../db/connection.js';
import type { AlertingConfig } from '../config/alerting-config.js';
import { writeAudit } from '../desk/audit.js';
import type { NoticeQueue } from './follow-up.js';

export interface AccountEvent { sourceId: string; at: string; kind: string; message?: string; account?: { name: string; state: 'paused' | 'retired' } }

export function handleAccountEvent(db: Db, config: AlertingConfig, ev: AccountEvent, now: Date, q: NoticeQueue): void {
  writeAudit(db, now, 'alerting', 'source.account', `source:${ev.sourceId}`, { account: ev.account ?? null, message: ev.message ?? null, at: ev.at });
  if (!config.adminReceiver) return;
  const paused = ev.account?.state === 'paused';
  q.notice('source-health', config.adminReceiver, `sh:${ev.sourceId}:account:${ev.at}`, {
    level: 'P3', topic: ev.sourceId, state: 'firing',
    title: `数据源 ${ev.sourceId} 的账号${paused ? '因验证码暂停' : '已停用'} / source ${ev.sourceId}: an account was ${paused ? 'paused (captcha)' : 'retired'}`,
    lines: [ev.message ?? 'account retired', paused
      ? '请在数据源页面完成验证后点击“已处理，恢复” / solve the captcha, then resume on the source page (or flarewatch source resume)'
      : '请在数据源页面扫码重新登录或删除该账号 / log in again with the QR code on the source page, or remove the account'],
  });
}
