// A district sends a frozen version of its workbook to the province, with a note; the states
// chưa gửi (draft) → đã gửi (submitted) → trả lại (returned, with a comment) → đã gửi → đã duyệt
// (approved); the frozen records stay as sent while the district keeps editing; only the
// province's reviewers and administrators answer.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DATABASES, useSeededServer, type SeededServer, sharedWorkbook } from './harness';

describe.each(DATABASES)('submissions on $name', (database) => {
  let people: SeededServer['people'];
  useSeededServer(database, (s) => ({ people } = s));

  it('goes draft → submitted → returned → submitted → approved, with the note, the comment and who answered', async () => {
    const wb = await sharedWorkbook(people.editorA);
    const state = async () => (await people.editorA.json(`/api/workbooks/${wb.id}`)).workbook.state;
    expect(await state()).toBe('draft');

    const sent = await people.editorA.post(`/api/workbooks/${wb.id}/submissions`, { note: 'Gửi Sở LĐ-TB&XH 15/12' });
    expect(sent.statusCode).toBe(201);
    const first = sent.json().submission;
    expect(first).toMatchObject({ workbookId: wb.id, seq: 1, note: 'Gửi Sở LĐ-TB&XH 15/12', state: 'submitted', submittedBy: people.editorA.me.id, reviewedBy: null });
    expect(await state()).toBe('submitted');
    const twice = await people.editorA.post(`/api/workbooks/${wb.id}/submissions`, { note: 'lần nữa' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'submission.state', params: { state: 'submitted' } });

    expect((await people.provinceReviewer.post(`/api/submissions/${first.id}/return`, { comment: '  ' })).statusCode).toBe(400);
    const returned = await people.provinceReviewer.send(`/api/submissions/${first.id}/return`, { comment: 'Thiếu dự án 3' });
    expect(returned.submission).toMatchObject({ state: 'returned', comment: 'Thiếu dự án 3', reviewedBy: people.provinceReviewer.me.id, reviewedAt: expect.any(String) });
    expect(await state()).toBe('returned');
    expect((await people.admin.post(`/api/submissions/${first.id}/approve`, {})).statusCode).toBe(409);

    const line = wb.lines[0];
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [{ opId: randomUUID(), baseSeq: 1, scenarioId: wb.scenarioId, change: { lines: [{ before: line, after: { ...line, plan: 999 } }] } }],
    });
    const second = (await people.editorA.send(`/api/workbooks/${wb.id}/submissions`, { note: 'Đã bổ sung' })).submission;
    expect(second.seq).toBe(2);
    const approved = await people.admin.send(`/api/submissions/${second.id}/approve`, {});
    expect(approved.submission).toMatchObject({ state: 'approved', reviewedBy: people.admin.me.id });
    expect(await state()).toBe('approved');

    const list = await people.provinceReviewer.json(`/api/workbooks/${wb.id}/submissions`);
    expect(list.submissions.map((s: { id: string; state: string }) => [s.id, s.state])).toEqual([
      [second.id, 'approved'],
      [first.id, 'returned'],
    ]);
  });

  it('keeps a submitted version as it was sent while the district edits on', async () => {
    const wb = await sharedWorkbook(people.editorA, 5);
    const sent = (await people.editorA.send(`/api/workbooks/${wb.id}/submissions`, { note: '' })).submission;
    const line = wb.lines[2];
    await people.editorA.send(`/api/workbooks/${wb.id}/ops`, {
      ops: [{ opId: randomUUID(), baseSeq: 1, scenarioId: wb.scenarioId, change: { lines: [{ before: line, after: { ...line, plan: 1 } }] } }],
    });
    const records: { kind: string; id: string; data: { plan?: number }; seq: number }[] = [];
    let url = `/api/submissions/${sent.id}/records?limit=2`;
    for (;;) {
      const chunk = await people.provinceReviewer.json(url);
      records.push(...chunk.records);
      if (!chunk.next) break;
      url = `/api/submissions/${sent.id}/records?limit=2&after=${chunk.next}`;
    }
    expect(records).toHaveLength(8);
    expect(records.every((r) => r.seq === 1)).toBe(true);
    expect(records.find((r) => r.id === line.id)?.data.plan).toBe(line.plan);
  });

  it('lets only a district’s editors and administrators send, and only the province’s reviewers and administrators answer', async () => {
    const wb = await sharedWorkbook(people.editorA);
    expect((await people.viewerA.post(`/api/workbooks/${wb.id}/submissions`, { note: '' })).statusCode).toBe(403);
    const sent = (await people.editorA.send(`/api/workbooks/${wb.id}/submissions`, { note: '' })).submission;
    for (const agent of [people.editorA, people.reviewerA]) {
      const r = await agent.post(`/api/submissions/${sent.id}/approve`, {});
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('role.forbidden');
    }
    const provinceOwn = (await people.admin.send('/api/workbooks', { name: 'Sổ của tỉnh', year: 2024 })).workbook;
    const r = await people.admin.post(`/api/workbooks/${provinceOwn.id}/submissions`, { note: '' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('submission.district-only');
  });

  it('shows the province every district with each workbook’s state', async () => {
    const draft = await sharedWorkbook(people.editorB);
    const sent = await sharedWorkbook(people.editorB);
    await people.editorB.send(`/api/workbooks/${sent.id}/submissions`, { note: 'gửi' });
    const { districts } = await people.provinceReviewer.json('/api/province/status');
    expect(districts.map((d: { id: string }) => d.id).sort()).toEqual([people.districtA, people.districtB].sort());
    const b = districts.find((d: { id: string }) => d.id === people.districtB);
    const states = Object.fromEntries(b.workbooks.map((w: { id: string; state: string }) => [w.id, w.state]));
    expect(states[draft.id]).toBe('draft');
    expect(states[sent.id]).toBe('submitted');
    expect(b.workbooks.find((w: { id: string }) => w.id === sent.id).latest).toMatchObject({ note: 'gửi', state: 'submitted' });
  });
});
