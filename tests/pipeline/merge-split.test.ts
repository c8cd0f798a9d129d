// The pipeline follows the desk's merges and splits (src/pipeline/desk-regroup.ts): after a merge a
// near-duplicate or a reply of a post of the merged incident joins the incident it went into, also
// after a restart; a split moves the posts into a new incident, the old incident's post count and
// running totals drop, and replies and near-duplicates of the split posts follow them.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/connection.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { createDefaultDeps, type PipelineDeps } from '../../src/pipeline/deps.js';
import { defaultRiskConfig } from '../../src/config/risk-config.js';
import { mergeIncidents, splitIncident } from '../../src/desk/merge-split.js';
import type { TopicConfig } from '../../src/config/topics-config.js';
import type { Observation } from '../../src/core/observation.js';
import type { IncidentState } from '../../src/pipeline/incident-state.js';

const topic: TopicConfig = { id: 'b', name: '北辰银行', query: '北辰银行', enabled: true, keywords: [], file: 'x.yaml', line: 1 };
const FRAUD = '北辰银行的信用卡被盗刷了五万，客服推诿说不归他们管，已经报警，求扩散！';
const QUEUE = '北辰银行城东网点排队三个小时只开一个窗口，大堂经理还冷嘲热讽，再也不去了';
const T0 = Date.parse('2026-07-01T02:00:00Z');
const min = (m: number) => new Date(T0 + m * 60_000);

let deps: PipelineDeps | null = null;
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

async function fresh(): Promise<{ path: string; db: Db; p: Pipeline }> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-regroup-'));
  dirs.push(dir);
  const path = join(dir, 'fw.db');
  const db = openDb(path);
  deps ??= await createDefaultDeps([topic], 'rules');
  return { path, db, p: new Pipeline(db, [topic], defaultRiskConfig(), deps, { rescoreChangedAfterMs: 0 }) };
}

async function restart(path: string, db: Db, p: Pipeline, now: Date): Promise<{ db: Db; p: Pipeline }> {
  p.flush(now);
  db.close();
  const db2 = openDb(path);
  return { db: db2, p: new Pipeline(db2, [topic], defaultRiskConfig(), deps!, { rescoreChangedAfterMs: 0 }) };
}

function obs(id: string, at: Date, text: string, extra: Partial<Observation> = {}): Observation {
  return { at: at.toISOString(), source: 'weibo', kind: 'post', id, text, publishedAt: at.toISOString(), author: { id: `u-${id}`, followers: 500 }, metrics: { reposts: 3, comments: 1, likes: 2 }, ...extra };
}

function put(p: Pipeline, o: Observation): void {
  p.ingest([o], new Date(o.at));
  p.evaluate(new Date(o.at));
}

/** the story incidents (not topic surges) holding the post */
function storiesOf(db: Db, key: string): string[] {
  const [source, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  return db.prepare(`SELECT ip.incident_id FROM incident_posts ip JOIN posts p ON p.pk = ip.post_pk JOIN incidents i ON i.id = ip.incident_id
    WHERE p.source = ? AND p.ext_id = ? AND i.kind = 'story' ORDER BY ip.incident_id`).pluck().all(source, id) as string[];
}

function savedState(db: Db, id: string): IncidentState {
  return JSON.parse(db.prepare('SELECT state_json FROM incidents WHERE id = ?').pluck().get(id) as string) as IncidentState;
}

describe('a merge, followed by the pipeline', () => {
  it('moves the members, closes the merged incident, and sends its near-duplicates and replies to the target, also after a restart', async () => {
    let { path, db, p } = await fresh();
    // story A: a complaint and 45 replies over three hours, so the merged posts come after A's first 40
    // members (the ones restore indexes): after the restart only the remembered merge leads their copies to A
    put(p, obs('a-seed', min(0), FRAUD));
    for (let i = 1; i <= 45; i++) put(p, obs(`a-r${i}`, min(i * 4), `回复${i}：北辰银行这也太离谱了吧`, { kind: 'comment', parentId: 'a-seed' }));
    // story B: another complaint about the same bank, and a copy of it
    put(p, obs('b-seed', min(200), QUEUE));
    put(p, obs('b-copy0', min(201), QUEUE));
    const [a] = storiesOf(db, 'weibo:a-seed');
    const [b] = storiesOf(db, 'weibo:b-seed');
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    expect(storiesOf(db, 'weibo:b-copy0')).toEqual([b]); // before the merge a copy joins B
    const aPostsBefore = savedState(db, a)?.members?.length ?? 46;

    const r = mergeIncidents(db, a, [b], 'analyst', min(202));
    expect(r.merged).toEqual([{ id: b, posts: 2 }]);
    const alerts = p.evaluate(min(202));
    expect(alerts.filter((x) => x.incident === b)).toEqual([]); // the merged incident ends without an alert of its own

    // the pipeline followed: B is closed and its members are A's
    const rowB = db.prepare('SELECT state, merged_into, status, state_json FROM incidents WHERE id = ?').get(b) as Record<string, unknown>;
    expect(rowB).toMatchObject({ state: 'resolved', merged_into: a, status: 'resolved', state_json: null });
    const stateA = savedState(db, a);
    expect(stateA.members.map((m) => m.key)).toEqual(expect.arrayContaining(['weibo:b-seed', 'weibo:b-copy0']));
    expect(stateA.members.length).toBe(Math.max(aPostsBefore, 46) + 2);
    // members stay in time order
    expect(stateA.members.map((m) => m.addedAt)).toEqual([...stateA.members.map((m) => m.addedAt)].sort((x, y) => x - y));
    expect(db.prepare('SELECT post_count FROM incidents WHERE id = ?').pluck().get(a)).toBe(stateA.members.length);
    expect(db.prepare('SELECT applied_at FROM desk_merges WHERE source_id = ?').pluck().get(b)).toBe(min(202).toISOString());

    // a new near-duplicate of B's post and a reply to it join A, not B and not a new incident
    const incidentsBefore = db.prepare("SELECT count(*) FROM incidents WHERE kind = 'story'").pluck().get();
    put(p, obs('b-copy1', min(210), QUEUE));
    put(p, obs('b-reply1', min(211), '北辰银行城东网点确实，我上周也等了两个小时', { kind: 'comment', parentId: 'b-seed' }));
    expect(storiesOf(db, 'weibo:b-copy1')).toEqual([a]);
    expect(storiesOf(db, 'weibo:b-reply1')).toEqual([a]);
    expect(db.prepare("SELECT count(*) FROM incidents WHERE kind = 'story'").pluck().get()).toBe(incidentsBefore);

    // after a restart the merge is remembered
    ({ db, p } = await restart(path, db, p, min(220)));
    put(p, obs('b-copy2', min(230), QUEUE));
    put(p, obs('b-reply2', min(231), '北辰银行城东网点排队的问题什么时候解决', { kind: 'comment', parentId: 'b-copy0' }));
    expect(storiesOf(db, 'weibo:b-copy2')).toEqual([a]);
    expect(storiesOf(db, 'weibo:b-reply2')).toEqual([a]);
    expect(db.prepare("SELECT count(*) FROM incidents WHERE kind = 'story'").pluck().get()).toBe(incidentsBefore);
    db.close();
  }, 60_000);

  it('a merge made while the monitor was stopped is followed after the restart', async () => {
    let { path, db, p } = await fresh();
    put(p, obs('a-seed', min(0), FRAUD));
    put(p, obs('b-seed', min(5), QUEUE));
    const [a] = storiesOf(db, 'weibo:a-seed');
    const [b] = storiesOf(db, 'weibo:b-seed');
    expect(b).not.toBe(a);
    p.flush(min(6));
    mergeIncidents(db, a, [b], 'analyst', min(7)); // the desk works on the database while the pipeline is down
    ({ db, p } = await restart(path, db, p, min(7)));
    p.evaluate(min(8));
    expect(savedState(db, a).members.map((m) => m.key)).toEqual(['weibo:a-seed', 'weibo:b-seed']);
    expect(db.prepare('SELECT state FROM incidents WHERE id = ?').pluck().get(b)).toBe('resolved');
    put(p, obs('b-copy', min(10), QUEUE));
    expect(storiesOf(db, 'weibo:b-copy')).toEqual([a]);
    db.close();
  }, 60_000);
});

describe('a split, followed by the pipeline', () => {
  it('moves the posts into a new incident, drops them from the old one and its totals, and their replies follow them', async () => {
    let { path, db, p } = await fresh();
    put(p, obs('x-seed', min(0), FRAUD));
    for (let i = 1; i <= 6; i++) put(p, obs(`x-r${i}`, min(i), `回复${i}：北辰银行这服务也太差了`, { kind: 'comment', parentId: 'x-seed' }));
    const HOSPITAL = '北辰银行把我家老人的存款弄丢了，老人急得心脏病发作住院了，必须给个说法！';
    put(p, obs('x-h1', min(8), HOSPITAL, { kind: 'comment', parentId: 'x-seed' }));
    put(p, obs('x-h2', min(9), `转发：${HOSPITAL}`, { kind: 'comment', parentId: 'x-seed' }));
    const [x] = storiesOf(db, 'weibo:x-seed');
    expect(storiesOf(db, 'weibo:x-h1')).toEqual([x]);
    expect(storiesOf(db, 'weibo:x-h2')).toEqual([x]);
    p.evaluate(min(10));
    const before = db.prepare('SELECT post_count, categories, reasons FROM incidents WHERE id = ?').get(x) as { post_count: number; categories: string; reasons: string };
    expect(before.post_count).toBe(9);
    expect(JSON.parse(before.categories)).toContain('safety');
    expect(before.reasons).toContain('住院');

    const r = splitIncident(db, x, { posts: ['weibo:x-h1', 'weibo:x-h2'] }, 'analyst', min(11));
    const y = r.incident.id;
    expect(r.incident.splitFrom).toBe(x);
    p.evaluate(min(11));

    // the old incident lost the posts, in memory (saved state) and in its row, and its totals were rebuilt
    const after = db.prepare('SELECT post_count, categories, reasons FROM incidents WHERE id = ?').get(x) as { post_count: number; categories: string; reasons: string };
    expect(after.post_count).toBe(7);
    expect(savedState(db, x).members.map((m) => m.key)).not.toEqual(expect.arrayContaining(['weibo:x-h1']));
    expect(savedState(db, x).members).toHaveLength(7);
    expect(JSON.parse(after.categories)).not.toContain('safety');
    expect(after.reasons).not.toContain('住院');
    // the new incident holds them and is scored as a story of its own
    expect(savedState(db, y).members.map((m) => m.key)).toEqual(['weibo:x-h1', 'weibo:x-h2']);
    const rowY = db.prepare('SELECT kind, topic_id, post_count, categories, split_from FROM incidents WHERE id = ?').get(y) as Record<string, unknown>;
    expect(rowY).toMatchObject({ kind: 'story', topic_id: 'b', post_count: 2, split_from: x });
    expect(JSON.parse(String(rowY.categories))).toContain('safety');

    // a reply to a split post and a copy of it follow the split posts; a reply to the old seed stays
    put(p, obs('x-h1-reply', min(12), '北辰银行太过分了，老人家住院谁负责', { kind: 'comment', parentId: 'x-h1' }));
    put(p, obs('x-h1-copy', min(13), HOSPITAL));
    put(p, obs('x-r7', min(14), '回复7：北辰银行这服务也太差了', { kind: 'comment', parentId: 'x-seed' }));
    expect(storiesOf(db, 'weibo:x-h1-reply')).toEqual([y]);
    expect(storiesOf(db, 'weibo:x-h1-copy')).toEqual([y]);
    expect(storiesOf(db, 'weibo:x-r7')).toEqual([x]);

    // and after a restart
    ({ db, p } = await restart(path, db, p, min(20)));
    put(p, obs('x-h2-reply', min(21), '北辰银行必须赔偿，老人还在医院', { kind: 'comment', parentId: 'x-h2' }));
    expect(storiesOf(db, 'weibo:x-h2-reply')).toEqual([y]);
    db.close();
  }, 60_000);

  it('keeps a title the desk chose', async () => {
    const { db, p } = await fresh();
    put(p, obs('x-seed', min(0), FRAUD));
    for (let i = 1; i <= 4; i++) put(p, obs(`x-r${i}`, min(i), `回复${i}：北辰银行信用卡被盗刷怎么办`, { kind: 'comment', parentId: 'x-seed' }));
    const [x] = storiesOf(db, 'weibo:x-seed');
    const r = splitIncident(db, x, { posts: ['weibo:x-r1', 'weibo:x-r2'], title: '盗刷求助帖' }, 'analyst', min(5));
    p.evaluate(min(5));
    put(p, obs('x-r1-reply', min(6), '北辰银行信用卡盗刷我也遇到了', { kind: 'comment', parentId: 'x-r1' }));
    expect(storiesOf(db, 'weibo:x-r1-reply')).toEqual([r.incident.id]);
    expect(db.prepare('SELECT title, title_set_by FROM incidents WHERE id = ?').get(r.incident.id)).toEqual({ title: '盗刷求助帖', title_set_by: 'analyst' });
    db.close();
  }, 60_000);
});
