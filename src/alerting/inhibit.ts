// Inhibition: should an alert be muted because another, more important one is active?
// Built in (default_inhibition): an incident's P1 mutes its lower-level alerts until the incident
// resolves (no downgrade or flapping noise while the crisis is on), and a firing incident alert
// mutes per-post alerts (no incident) of the same topic that share a post with it.
// Configured inhibit_rules follow Alertmanager: an active source alert matching source matchers
// mutes a target matching target matchers when the `equal` labels have the same values.
import type { AlertRecord } from '../core/alert.js';
import type { InhibitRule } from '../config/alerting-config.js';
import { allMatch, type Labels } from './matchers.js';

export interface ActiveAlert { fingerprint: string; incident: string | null; topic: string; level: string; state: string; labels: Labels; posts: string[]; p1Active: boolean }

export interface InhibitInput {
  alert: AlertRecord;
  labels: Labels;
  fingerprint: string;
  /** current state of the same fingerprint before this alert, if any */
  previous: ActiveAlert | null;
  /** other active (firing) alerts */
  active: ActiveAlert[];
  rules: InhibitRule[];
  defaults: boolean;
}

/** A reason string when the alert is inhibited, else null. Resolutions are never inhibited. */
export function inhibitedBy(x: InhibitInput): string | null {
  const a = x.alert;
  if (a.state === 'resolved') return null;
  if (x.defaults) {
    if (a.incident && a.level !== 'P1' && x.previous?.p1Active) return `incident ${a.incident} is at P1: lower levels are muted until it resolves`;
    if (!a.incident && (a.kind ?? 'incident') === 'incident') {
      const mine = new Set(a.posts);
      const inc = x.active.find((o) => o.incident && o.state === 'firing' && o.topic === a.topic && o.posts.some((p) => mine.has(p)));
      if (inc) return `post alert muted by incident ${inc.incident}`;
    }
  }
  for (const r of x.rules) {
    if (!allMatch(r.targetMatchers, x.labels)) continue;
    const src = x.active.find((o) => o.fingerprint !== x.fingerprint && o.state === 'firing' && allMatch(r.sourceMatchers, o.labels)
      && r.equal.every((l) => (o.labels[l] ?? []).join(',') === (x.labels[l] ?? []).join(',')));
    if (src) return `inhibited by ${src.incident ?? src.fingerprint} (${src.level})`;
  }
  return null;
}
