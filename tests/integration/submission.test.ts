// A district's shared workbook sent to its province, in browsers (AppStates on fake IndexedDB)
// against a server in this process on PGlite at 127.0.0.1: "Gửi tỉnh" with a note freezes the
// version on the server; a second one waits for the province's answer; edits that have not
// reached the server hold the submission back; the province's comment on a return reaches the district.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AppState } from '../../src/state/app.svelte';
import { describeProblem } from '../../src/domain/messages';
import type { Db } from '../../server/db';
import { DATABASES, seedProvince, startApp } from '../server/harness';
import { browserAs } from './server-browser';

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
    for (const a of apps) a.shared?.stop();
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
});
