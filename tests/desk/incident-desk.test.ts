import { describe, it, expect } from 'vitest';
import { acknowledgeIncident, addIncidentNote, assignOwner, canTransition, getDeskIncident, listFeedback, listIncidentNotes, setIncidentStatus } from '../../src/desk/incident-desk.js';
import { listAudit } from '../../src/desk/audit.js';
import { ConflictError, NotFoundError } from '../../src/desk/errors.js';
import { UserError } from '../../src/core/errors.js';
import { freshDb, insertIncident } from '../alerting/helpers.js';

const t = (min: number) => new Date(Date.parse('2026-08-22T06:00:00Z') + min * 60_000);

describe('response desk', () => {
  it('acknowledge → responding → resolved records TTA/TTR, owner, notes and an audit trail', () => {
    const db = freshDb();
    insertIncident(db, 'inc-1');
    db.prepare("UPDATE incidents SET first_alerted_at = ? WHERE id = 'inc-1'").run(t(0).toISOString());
    const a = acknowledgeIncident(db, 'inc-1', 'alice', t(7), 'link');
    expect(a.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice', timeToAcknowledgeSeconds: 420 });
    expect(acknowledgeIncident(db, 'inc-1', 'bob', t(8)).already).toBe(true);
    expect(getDeskIncident(db, 'inc-1').acknowledgedBy).toBe('alice');
    assignOwner(db, 'inc-1', 'carol', 'alice', t(9));
    addIncidentNote(db, 'inc-1', '已联系品牌方 / contacted the brand', 'carol', t(10));
    setIncidentStatus(db, 'inc-1', 'responding', 'carol', t(11));
    const done = setIncidentStatus(db, 'inc-1', 'resolved', 'carol', t(90), '声明已发布');
    expect(done).toMatchObject({ status: 'resolved', owner: 'carol', timeToResolveSeconds: 5400, closedAt: t(90).toISOString() });
    expect(listIncidentNotes(db, 'inc-1').map((n) => n.text)).toEqual(['已联系品牌方 / contacted the brand', '声明已发布']);
    expect(listAudit(db, 'incident:inc-1').map((e) => e.action)).toEqual(['incident.ack', 'incident.ack', 'incident.assign', 'incident.note', 'incident.status', 'incident.status']);
    expect(getDeskIncident(db, 'inc-1').lastActivityAt).toBe(t(90).toISOString());
  });

  it('validates transitions and input with the right error classes', () => {
    const db = freshDb();
    insertIncident(db, 'inc-2');
    expect(() => setIncidentStatus(db, 'inc-2', 'done', 'a', t(0))).toThrow(UserError);
    setIncidentStatus(db, 'inc-2', 'resolved', 'a', t(1));
    expect(() => setIncidentStatus(db, 'inc-2', 'acknowledged', 'a', t(2))).toThrow(ConflictError);
    expect(() => acknowledgeIncident(db, 'inc-2', 'a', t(2))).toThrow(ConflictError);
    expect(setIncidentStatus(db, 'inc-2', 'responding', 'a', t(3)).status).toBe('responding'); // reopen
    expect(getDeskIncident(db, 'inc-2').closedAt).toBeNull();
    expect(() => getDeskIncident(db, 'nope')).toThrow(NotFoundError);
    expect(() => addIncidentNote(db, 'inc-2', '  ', 'a', t(4))).toThrow(/empty note/);
    expect(canTransition('responding', 'acknowledged')).toBe(false);
    expect(canTransition('new', 'false_alarm')).toBe(true);
  });

  it('a false-alarm verdict is kept as feedback for the scorer; reopening retracts it', () => {
    const db = freshDb();
    insertIncident(db, 'inc-3');
    db.prepare("INSERT INTO posts (pk, source, ext_id, kind, first_seen_at, last_seen_at) VALUES (1, 'weibo', '42', 'post', 'x', 'x')").run();
    db.prepare("INSERT INTO incident_posts (incident_id, post_pk, added_at) VALUES ('inc-3', 1, 'x')").run();
    setIncidentStatus(db, 'inc-3', 'false_alarm', 'alice', t(5), '广告误报 / an ad campaign');
    const fb = listFeedback(db);
    expect(fb).toHaveLength(1);
    expect(fb[0]).toMatchObject({ incidentId: 'inc-3', verdict: 'false_alarm', topicId: 'brand-x', keyTerms: ['质量', '投诉'], posts: ['weibo:42'], note: '广告误报 / an ad campaign' });
    setIncidentStatus(db, 'inc-3', 'responding', 'bob', t(6));
    expect(listFeedback(db)).toHaveLength(0);
  });
});
