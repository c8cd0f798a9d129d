// The setup checklist: what is missing for alerts to reach people, and how to fix it, worked out
// from the running configuration (env and the notifier's alerting.yaml). Shown by GET /healthz
// (`setup`) and as a banner on the dashboard's overview until each item is fixed. Every item has a
// stable `id` (the dashboard words it in zh-CN or English from the id and the fields) and English
// `problem` and `fix` sentences for people reading /healthz. Names only: never a secret or a URL
// taken from a receiver.
import { basename } from 'node:path';
import type { Env } from '../config/env.js';
import type { AlertingConfig } from '../config/alerting-config.js';
import { baseUrl } from '../alerting/notification-builder.js';

export type SetupItemId = 'receiver-url-unset' | 'no-receiver' | 'smtp-url-unset' | 'public-url-unset';

export interface SetupItem {
  id: SetupItemId;
  problem: string;
  fix: string;
  /** environment variables to set */
  variables?: string[];
  /** receivers concerned */
  receivers?: string[];
  /** channel types concerned */
  channels?: string[];
  /** true when no receiver can deliver anything */
  noneWorks?: boolean;
  /** where alert links point now (public-url-unset) */
  linksTo?: string;
}

const uniq = (xs: string[]) => [...new Set(xs)];

/**
 * The open items, most harmful first. `alerting` is the running notifier's configuration, or
 * null when this process does not send alerts (then only env items are checked).
 */
export function setupChecklist(env: Env, alerting: AlertingConfig | null): SetupItem[] {
  const items: SetupItem[] = [];
  if (alerting) {
    const working = [...alerting.receivers.values()].filter((r) => r.channels.length > 0);
    const disabled = alerting.disabledChannels ?? [];
    const file = basename(alerting.file ?? 'alerting.yaml'); // the name, not the server's path (healthz needs no sign-in)
    if (disabled.length) {
      const variables = uniq(disabled.map((d) => d.variable));
      const receivers = uniq(disabled.map((d) => d.receiver));
      const where = disabled.map((d) => `${d.receiver}/${d.channel}${d.line ? ` (line ${d.line})` : ''}`).join(', ');
      items.push({
        id: 'receiver-url-unset', variables, receivers, channels: uniq(disabled.map((d) => d.channel)), noneWorks: working.length === 0,
        problem: `${working.length === 0 ? 'no receiver can deliver alerts: ' : ''}${variables.join(', ')} ${variables.length > 1 ? 'are' : 'is'} not set, so ${where} in ${file} ${disabled.length > 1 ? 'are' : 'is'} disabled`,
        fix: `set ${variables.join(' and ')} in the environment (e.g. export ${variables[0]}=${/URL$/.test(variables[0]) ? 'https://…' : '…'}) and restart flarewatch, or give the receiver another channel in ${file}`,
      });
    } else if (working.length === 0) {
      items.push({
        id: 'no-receiver', noneWorks: true,
        problem: `alerts are recorded but sent nowhere: ${alerting.file ? `${file} defines no receiver with a channel` : 'there is no alerting.yaml in the rules folder'}`,
        fix: `add a receiver with an email, wecom, dingtalk, feishu, slack or webhook channel and a route to it to ${file}`,
      });
    }
    if (!env.smtpUrl) {
      const mail = [...alerting.receivers.values()].filter((r) => r.channels.some((c) => c.type === 'email' && !(c.config as { smtp_url?: string }).smtp_url));
      if (mail.length) {
        items.push({
          id: 'smtp-url-unset', variables: ['SMTP_URL'], receivers: mail.map((r) => r.name), channels: ['email'],
          problem: `email to ${mail.map((r) => r.name).join(', ')} cannot be sent: SMTP_URL is not set`,
          fix: 'set SMTP_URL (e.g. smtp://user:pass@smtp.example.com:587) and restart flarewatch',
        });
      }
    }
  }
  if (!env.publicUrl && !alerting?.dashboardUrl) {
    const linksTo = `${baseUrl({ dashboardUrl: null }, env)}/`;
    items.push({
      id: 'public-url-unset', variables: ['FLAREWATCH_PUBLIC_URL'], linksTo,
      problem: `links in alerts (incident, acknowledge) point to ${linksTo}, which does not open on a phone or another computer`,
      fix: 'set FLAREWATCH_PUBLIC_URL to the dashboard\'s address as people reach it (e.g. https://flarewatch.example.com) and restart flarewatch',
    });
  }
  return items;
}
