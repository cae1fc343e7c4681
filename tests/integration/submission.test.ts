// A district's shared workbook sent to its province, in browsers (AppStates on fake IndexedDB)
// against a server in this process on PGlite at 127.0.0.1: "Gửi tỉnh" with a note freezes the
// version on the server; a second one waits for the province's answer; edits that have not
// reached the server hold the submission back; the province's comment on a return reaches the district.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AppState } from '../../src/state/app.svelte';
import { describeProblem } from '../../src/domain/messages';
import type { Db } from '../../server/db';
import { DATABASES, PASSWORD, seedProvince, startApp } from '../server/harness';
import { browserAs, browserFetch } from './server-browser';

const ctx = { unit: 'trieu', locale: 'vi' } as const;
const TR = 1_000_000;

describe('sending a district’s workbook to the province', () => {
  let db: Db;
  let server: FastifyInstance;
  let origin: string;
  let people: Awaited<ReturnType<typeof seedProvince>>;
  const apps: AppState[] = [];

  beforeAll(async () => {
    db = await DATABASES[0].open();
    server = await startApp(db, { heartbeatMs: 60_000 });
    people = await seedProvince(server, db);
    await server.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    for (const a of apps) {
      a.shared?.stop();
      a.stopFollowing();
    }
    await server?.close();
    await db?.close();
  });

  const lineOf = (app: AppState, code: string) => {
    const s = app.session!;
    const node = s.tree.nodes.find((n) => n.code === code)!;
    return s.lines.find((l) => l.nodeId === node.id)!;
  };

  it('sends a frozen version with its note, says a second one waits, holds back unsent edits, and shows the province’s comment on a return', async () => {
    const a = await browserAs(origin, people.editorA.me.username, apps);
    // A local workbook is not sent anywhere.
    expect(await a.app.submitToProvince('x')).toEqual({ ok: false, error: { code: 'submission.not-shared' } });
    expect((await a.app.shareOpen(a.api)).ok).toBe(true);
    await a.app.shared!.idle();
    await expect.poll(() => a.app.shared!.user?.org.kind).toBe('district');
    expect(a.app.shared!.submissionState).toBe('draft');

    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA2').id }, field: 'plan', raw: '6000' }], ctx);
    const sent = await a.app.submitToProvince('  Kế hoạch lần 1  ');
    if (!sent.ok) throw new Error(describeProblem(sent.error, 'en'));
    expect(sent.value).toMatchObject({ state: 'submitted', note: 'Kế hoạch lần 1' });
    expect(a.app.shared!.submissionState).toBe('submitted');
    // The frozen version holds the edit made just before sending.
    const frozen = await people.provinceReviewer.json(`/api/submissions/${sent.value.id}/records?limit=10000`);
    const da2 = frozen.records.find((r: { kind: string; data: { id: string } }) => r.kind === 'line' && r.data.id === lineOf(a.app, 'DA2').id);
    expect(da2.data.plan).toBe(6000 * TR);

    // A second submission while the first waits: refused, in the user's words.
    const again = await a.app.submitToProvince('lần 2');
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.code).toBe('submission.waiting');
      expect(describeProblem(again.error, 'vi')).toContain('đang chờ tỉnh');
    }

    // The province returns it with a comment; the district reads it.
    await people.provinceReviewer.send(`/api/submissions/${sent.value.id}/return`, { comment: 'Thiếu vốn đối ứng DA2' });
    expect((await a.app.shared!.refreshSubmissions()).ok).toBe(true);
    expect(a.app.shared!.submissionState).toBe('returned');
    expect(a.app.shared!.submissions[0]).toMatchObject({ comment: 'Thiếu vốn đối ứng DA2', reviewedByName: expect.stringContaining('reviewer') });

    // Offline: the edit cannot reach the server, so nothing is sent, and that is said.
    a.net.offline = true;
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA2').id }, field: 'plan', raw: '6100' }], ctx);
    const offline = await a.app.submitToProvince('lần 2');
    expect(offline).toEqual({ ok: false, error: { code: 'submission.unsent', params: { count: 1 } } });
    a.net.offline = false;
    const second = await a.app.submitToProvince('lần 2');
    expect(second.ok && second.value.seq).toBeGreaterThan(sent.value.seq);
    expect(a.app.shared!.submissions.map((s) => s.state)).toEqual(['submitted', 'returned']);
  });

  it('a viewer of the district cannot send, and is told why', async () => {
    const owner = await browserAs(origin, people.editorA.me.username, apps);
    expect((await owner.app.shareOpen(owner.api)).ok).toBe(true);
    await owner.app.shared!.idle();
    const viewer = await browserAs(origin, people.viewerA.me.username, apps);
    const list = await viewer.api.workbooks();
    if (!list.ok) throw new Error(list.error.code);
    expect(
      (
        await viewer.app.openFromServer(
          viewer.api,
          list.value.workbooks.find((w) => w.id === owner.app.session!.workbook.id)!,
        )
      ).ok,
    ).toBe(true);
    const r = await viewer.app.submitToProvince('');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(describeProblem(r.error, 'en')).toContain('role');
  });

  it('the province sees each district’s state, opens the version sent read-only, and returns or approves it', async () => {
    const a = await browserAs(origin, people.editorA.me.username, apps);
    expect((await a.app.shareOpen(a.api)).ok).toBe(true);
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA2').id }, field: 'plan', raw: '7000' }], ctx);
    const sent = await a.app.submitToProvince('Bản chính thức');
    if (!sent.ok) throw new Error(sent.error.code);
    // The district keeps editing; the version sent does not move.
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA2').id }, field: 'plan', raw: '7100' }], ctx);
    await a.app.session!.flush();
    await a.app.shared!.idle();

    const p = await browserAs(origin, people.provinceReviewer.me.username, apps);
    const own = p.app.session!.workbook.id;
    const board = await p.app.provinceBoard(p.api);
    if (!board.ok) throw new Error(board.error.code);
    const districtA = board.value.find((d) => d.id === people.districtA)!;
    const row = districtA.workbooks.find((w) => w.id === a.app.session!.workbook.id)!;
    expect(row).toMatchObject({ state: 'submitted', latest: { id: sent.value.id, note: 'Bản chính thức' } });
    expect(board.value.find((d) => d.id === people.districtB)!.workbooks).toEqual([]);

    expect((await p.app.openSubmission(p.api, districtA.name, row.name, row.latest!)).ok).toBe(true);
    expect(p.app.viewing).toMatchObject({ kind: 'submission', district: districtA.name, back: own });
    expect(p.app.session!.frozen).toBe(true);
    expect(lineOf(p.app, 'DA2').plan).toBe(7000 * TR);
    expect(p.app.session!.rollup!.plan[p.app.session!.rollup!.nodeCount]).toBeGreaterThan(0);
    // Typing into it is refused, and the refusal says why.
    const [refused] = p.app.session!.setCells([{ target: { kind: 'line', id: lineOf(p.app, 'DA2').id }, field: 'plan', raw: '1' }], ctx);
    expect(refused.problem).toEqual({ code: 'submission.read-only', params: { district: districtA.name } });
    expect(describeProblem(refused.problem, 'vi')).toContain('chỉ để xem');
    expect(lineOf(p.app, 'DA2').plan).toBe(7000 * TR);

    const approved = await p.app.reviewSubmission(p.api, sent.value.id, 'approve', '');
    expect(approved.ok && approved.value.state).toBe('approved');
    expect(p.app.viewing?.kind === 'submission' && p.app.viewing.submission.state).toBe('approved');
    // Answering twice: said.
    expect(await p.app.reviewSubmission(p.api, sent.value.id, 'return', 'muộn')).toEqual({ ok: false, error: { code: 'submission.answered' } });
    await p.app.closeView();
    expect(p.app.viewing).toBeNull();
    expect(p.app.session!.workbook.id).toBe(own);
    expect((await a.app.shared!.refreshSubmissions()).ok).toBe(true);
    expect(a.app.shared!.submissionState).toBe('approved');

    // A district's account has no province board.
    const b = await browserAs(origin, people.editorB.me.username, apps);
    expect(await b.app.provinceBoard(b.api)).toEqual({ ok: false, error: { code: 'submission.not-province' } });
  });

  it('the province’s consolidated workbook follows its districts’ approved versions, by district, never summing a line twice', async () => {
    // Each district shares its demo workbook (same year as the province's) and sends it.
    const a = await browserAs(origin, people.editorA.me.username, apps);
    expect((await a.app.shareOpen(a.api)).ok).toBe(true);
    const sentA = await a.app.submitToProvince('A lần 1');
    if (!sentA.ok) throw new Error(sentA.error.code);
    const b = await browserAs(origin, people.editorB.me.username, apps);
    expect((await b.app.shareOpen(b.api)).ok).toBe(true);
    b.app.session!.setCells([{ target: { kind: 'line', id: lineOf(b.app, 'DA2').id }, field: 'plan', raw: '1000' }], ctx);
    const sentB = await b.app.submitToProvince('B lần 1');
    if (!sentB.ok) throw new Error(sentB.error.code);
    const totalOf = (app: AppState) => app.session!.rollup!.plan[app.session!.rollup!.nodeCount];
    await a.app.session!.ready;
    const totalA = totalOf(a.app);
    const totalB = totalOf(b.app);

    // The province consolidates into an empty workbook of the same year.
    const p = await browserAs(origin, people.provinceReviewer.me.username, apps);
    p.app.followMs = 60_000;
    await p.app.createEmpty('Tổng hợp tỉnh', a.app.session!.workbook.year);
    await p.app.reviewSubmission(p.api, sentA.value.id, 'approve', '');
    const first = await p.app.consolidateDistricts(p.api, 'approved');
    if (!first.ok) throw new Error(first.error.code);
    const nameA = first.value.districts[0].name;
    expect(first.value.districts.map((d) => [d.submission.id, d.removed])).toEqual([[sentA.value.id, 0]]);
    expect(first.value.missing).toHaveLength(1); // B's version is not approved yet
    await p.app.session!.ready;
    await expect.poll(() => totalOf(p.app)).toBe(totalA);
    const district = p.app.session!.places.find((pl) => pl.name === nameA)!;
    expect(p.app.session!.lines.every((l) => l.placeId === district.id)).toBe(true);

    // With versions sent counted too, B comes in beside A.
    const both = await p.app.consolidateDistricts(p.api, 'submitted');
    if (!both.ok) throw new Error(both.error.code);
    await expect.poll(() => totalOf(p.app)).toBe(totalA + totalB);
    // Again: nothing new, nothing summed twice.
    const again = await p.app.consolidateDistricts(p.api, 'submitted');
    expect(again.ok && again.value.districts).toEqual([]);
    expect(totalOf(p.app)).toBe(totalA + totalB);

    // Back to approved only, following: A sends a new version, the province approves it, and the total follows.
    const approvedOnly = await p.app.consolidateDistricts(p.api, 'approved');
    expect(approvedOnly.ok && approvedOnly.value.cleared).toHaveLength(1);
    await expect.poll(() => totalOf(p.app)).toBe(totalA);
    a.app.session!.setCells([{ target: { kind: 'line', id: lineOf(a.app, 'DA2').id }, field: 'plan', raw: '9000' }], ctx);
    const sentA2 = await a.app.submitToProvince('A lần 2');
    if (!sentA2.ok) throw new Error(sentA2.error.code);
    await a.app.session!.ready;
    await expect.poll(() => totalOf(a.app)).not.toBe(totalA);
    const totalA2 = totalOf(a.app);
    await p.app.reviewSubmission(p.api, sentA2.value.id, 'approve', 'Đồng ý');
    // Reopening the consolidated workbook looks at the districts at once.
    await p.app.open(p.app.session!.workbook.id);
    await p.app.followed();
    await expect.poll(() => totalOf(p.app)).toBe(totalA2);
    expect(p.app.notice?.problem?.code).toBe('consolidate.followed');
    expect(p.app.consolidation).toMatchObject({ mode: 'approved' });
  });

  it('a cell’s history says who wrote which value, when and in which version, newest first', async () => {
    const a = await browserAs(origin, people.editorA.me.username, apps);
    const line = lineOf(a.app, 'DA2');
    expect(await a.app.history({ kind: 'line', id: line.id }, 'plan')).toEqual({ ok: false, error: { code: 'sync.not-shared' } });
    expect((await a.app.shareOpen(a.api)).ok).toBe(true);
    a.app.session!.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: '6000' }], ctx);
    a.app.session!.setCells([{ target: { kind: 'line', id: line.id }, field: 'disbursed', raw: '2100' }], ctx);
    a.app.session!.setCells([{ target: { kind: 'line', id: line.id }, field: 'plan', raw: '6500' }], ctx);
    await a.app.session!.flush();
    a.app.shared!.kick();
    await a.app.shared!.idle();

    const plan = await a.app.history({ kind: 'line', id: line.id }, 'plan');
    if (!plan.ok) throw new Error(plan.error.code);
    const who = people.editorA.me.username;
    expect(plan.value.map((r) => [r.what, r.changes.map((c) => [c.field, c.before, c.after])])).toEqual([
      ['edited', [['plan', 6000 * TR, 6500 * TR]]],
      ['edited', [['plan', line.plan, 6000 * TR]]],
      ['created', [['plan', undefined, line.plan]]],
    ]);
    expect(plan.value.every((r) => r.userName.includes(who) && !Number.isNaN(Date.parse(r.at)))).toBe(true);
    expect(plan.value[0].seq).toBeGreaterThan(plan.value[1].seq);
    // The whole line: the disbursed edit too.
    const whole = await a.app.history({ kind: 'line', id: line.id });
    expect(whole.ok && whole.value.map((r) => r.changes.map((c) => c.field).join())).toEqual(['plan', 'disbursed', 'plan', expect.stringContaining('plan')]);

    // The server out of reach: said.
    a.net.offline = true;
    const offline = await a.app.history({ kind: 'line', id: line.id }, 'plan');
    expect(!offline.ok && offline.error.code).toBe('sync.offline');
    a.net.offline = false;
  });

  it('a user of another district is refused another district’s workbook, with a sentence naming their own office', async () => {
    const a = await browserAs(origin, people.editorA.me.username, apps);
    expect((await a.app.shareOpen(a.api)).ok).toBe(true);
    await a.app.shared!.idle();
    const id = a.app.session!.workbook.id;

    // By its id, as a link would give it.
    const b = await browserAs(origin, people.editorB.me.username, apps);
    const byId = await b.app.openServerWorkbook(b.api, id);
    expect(byId.ok).toBe(false);
    if (!byId.ok) {
      expect(byId.error.code).toBe('sync.not-yours');
      expect(describeProblem(byId.error, 'vi')).toContain(`Sổ này không thuộc ${people.editorB.me.org.name}`);
    }
    expect(b.app.session!.workbook.id).not.toBe(id);

    // In a browser that holds it, logged in as the other district: its sync is refused, and says why.
    a.app.shared!.stop();
    const same = new AppState(a.dbName, browserFetch().fetchFn);
    apps.push(same);
    expect((await same.logIn(origin, people.editorB.me.username, PASSWORD)).ok).toBe(true);
    await same.start();
    expect(same.session!.workbook.id).toBe(id);
    await expect.poll(() => same.shared?.phase).toBe('refused');
    expect(same.shared!.problem).toEqual({ code: 'sync.not-yours', params: { org: people.editorB.me.org.name, user: expect.any(String) } });
  });
});
