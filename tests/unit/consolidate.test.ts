import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { districtPlaces, findDuplicateLines, guessDistrictName, incomingFromWorkbook, replaceDistrictLines, totalsByPlace } from '../../src/domain/consolidate';
import { buildDemoWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import type { Line, Place } from '../../src/domain/model';

let seq = 0;
const makeId = () => `id${++seq}`;

describe('guessDistrictName', () => {
  it.each([
    [['Huyện Cao Lộc, tỉnh Lạng Sơn'], 'Huyện Cao Lộc'],
    [['UBND HUYỆN CAO LỘC', 'BIỂU TỔNG HỢP'], 'Huyện Cao Lộc'],
    [['(Kèm theo Báo cáo ngày tháng 11 năm 2023 của UBND huyện Văn Lãng)'], 'Huyện Văn Lãng'],
    [['Thành phố Lạng Sơn năm 2023'], 'Thành phố Lạng Sơn'],
    [['Kế hoạch vốn', 'tràng-định.xlsx'], 'Kế hoạch vốn'],
    [['', 'tràng-định.xlsx'], 'tràng-định'],
    [[], ''],
  ])('%j → %s', (texts, want) => {
    expect(guessDistrictName(texts)).toBe(want);
  });
});

describe('districtPlaces', () => {
  const wb = { id: 'wb', placeName: 'Tỉnh Lạng Sơn' };
  it('creates the province once and each district under it once, whatever the spelling', () => {
    const first = districtPlaces([], wb, 'Huyện Cao Lộc', makeId);
    expect(first.added.map((p) => [p.kind, p.name, p.parentId])).toEqual([
      ['province', 'Tỉnh Lạng Sơn', null],
      ['district', 'Huyện Cao Lộc', first.province.id],
    ]);
    const again = districtPlaces(first.added, wb, 'HUYỆN CAO LỘC', makeId);
    expect(again.added).toEqual([]);
    expect(again.district.id).toBe(first.district.id);
    const other = districtPlaces(first.added, wb, 'Huyện Văn Lãng', makeId);
    expect(other.added.map((p) => p.kind)).toEqual(['district']);
    expect(other.district.order).toBeGreaterThan(first.district.order);
  });
});

describe('findDuplicateLines', () => {
  const base = (id: string, patch: Partial<Line> = {}): Line => ({
    id,
    nodeId: 'n',
    order: 0,
    label: '',
    unit: 'Phòng LĐ-TB&XH',
    placeId: null,
    source: 'central',
    capital: 'recurrent',
    vintage: 2023,
    plan: 1,
    disbursed: 0,
    asOf: null,
    expectedRate: null,
    ...patch,
  });
  it('reports a line the district already has, and one the file holds twice; other districts do not count', () => {
    const held = [base('w1', { placeId: 'd1' }), base('w2', { placeId: 'd2', source: 'local' })];
    const incoming = [base('i1'), base('i2', { source: 'local' }), base('i3', { source: 'local', unit: 'phòng lđ-tb&xh' }), base('i4', { vintage: 2022 })];
    const dups = findDuplicateLines(held, incoming, 'd1');
    expect(dups.map((d) => [d.incoming.id, d.other.id, d.where])).toEqual([
      ['i1', 'w1', 'workbook'],
      ['i3', 'i2', 'file'],
    ]);
  });
});

describe('incomingFromWorkbook', () => {
  it('maps a district’s items onto the province tree by code, adds what it lacks, and gives lines fresh ids', () => {
    const district = buildDemoWorkbook();
    const extra = {
      id: 'x1',
      workbookId: district.workbook.id,
      parentId: district.nodes.find((n) => n.code === 'DA3')!.id,
      code: 'DA3.TDA9',
      name: 'Hoạt động riêng',
      order: 5,
    };
    district.nodes.push(extra);
    district.lines.push({ ...district.lines[0], id: 'lx', nodeId: 'x1', plan: 7 });
    const province = buildEmptyWorkbook('Tỉnh', 2023);
    const got = incomingFromWorkbook(district, { workbookId: province.workbook.id, nodes: province.nodes }, makeId);
    const code = (id: string) => got.nodes.find((n) => n.node.id === id)!.node.code;
    expect(got.lines.map((l) => code(l.line.nodeId))).toEqual(district.lines.map((l) => district.nodes.find((n) => n.id === l.nodeId)!.code));
    expect(got.lines.map((l) => l.line.plan)).toEqual(district.lines.map((l) => l.plan));
    expect(got.lines.every((l) => !district.lines.some((d) => d.id === l.line.id) && l.line.placeId === null)).toBe(true);
    const added = got.nodes.filter((n) => n.status === 'new');
    expect(added.map((n) => [n.node.code, n.node.parentId])).toEqual([['DA3.TDA9', province.nodes.find((n) => n.code === 'DA3')!.id]]);
    expect(got.nodes.filter((n) => n.status === 'matched').every((n) => province.nodes.includes(n.node))).toBe(true);
  });
});

describe('replaceDistrictLines', () => {
  /** The province's lines after a change (as the session would apply it). */
  const applied = (lines: Line[], change: ReturnType<typeof replaceDistrictLines>['change']) => {
    const byId = new Map(lines.map((l) => [l.id, l]));
    for (const c of change.lines ?? []) {
      if (c.after) byId.set(c.after.id, c.after);
      else byId.delete(c.before!.id);
    }
    return [...byId.values()];
  };
  const sum = (lines: Line[], placeId: string) => lines.filter((l) => l.placeId === placeId).reduce((a, l) => a + l.plan, 0);

  it('replaces a district’s lines by its newer version, never adding to them, and leaves other districts alone', () => {
    const province = buildEmptyWorkbook('Tỉnh', 2023);
    const district = buildDemoWorkbook();
    const total = district.lines.reduce((a, l) => a + l.plan, 0);
    const other = { ...district.lines[0], id: 'other', nodeId: province.nodes[0].id, placeId: 'd2', plan: 5 };
    const target = { workbookId: province.workbook.id, nodes: province.nodes, lines: [other] };
    const first = replaceDistrictLines(target, district, 'd1', [], makeId);
    expect([first.added, first.updated, first.removed]).toEqual([district.lines.length, 0, 0]);
    let lines = applied(target.lines, first.change);
    expect(sum(lines, 'd1')).toBe(total);

    // The same version again: nothing to do.
    expect(replaceDistrictLines({ ...target, lines }, district, 'd1', [], makeId).change).toEqual({});

    // A newer version: one line changed, one gone; the district's sum is the new version's, not the two added.
    const newer = { ...district, lines: district.lines.slice(1).map((l, i) => (i === 0 ? { ...l, plan: l.plan + 1_000_000 } : l)) };
    const second = replaceDistrictLines({ ...target, lines }, newer, 'd1', [], makeId);
    expect([second.added, second.updated, second.removed]).toEqual([0, 1, 1]);
    lines = applied(lines, second.change);
    expect(sum(lines, 'd1')).toBe(newer.lines.reduce((a, l) => a + l.plan, 0));
    expect(sum(lines, 'd2')).toBe(5);
  });

  it('says a version’s repeated lines instead of folding them into one', () => {
    const province = buildEmptyWorkbook('Tỉnh', 2023);
    const district = buildDemoWorkbook();
    district.lines.push({ ...district.lines[0], id: 'again', order: 99 });
    const r = replaceDistrictLines({ workbookId: province.workbook.id, nodes: province.nodes, lines: [] }, district, 'd1', [], makeId);
    expect(r.added).toBe(district.lines.length);
    expect(r.duplicates.map((d) => d.incoming.id)).toEqual(['d1~again']);
  });
});

describe('totalsByPlace', () => {
  const places: Place[] = [
    { id: 'p', workbookId: 'w', parentId: null, code: '', name: 'Tỉnh', kind: 'province', values: {}, order: 0 },
    { id: 'd2', workbookId: 'w', parentId: 'p', code: '', name: 'Huyện B', kind: 'district', values: {}, order: 2 },
    { id: 'd1', workbookId: 'w', parentId: 'p', code: '', name: 'Huyện A', kind: 'district', values: {}, order: 1 },
    { id: 'c1', workbookId: 'w', parentId: 'd1', code: '', name: 'Xã A1', kind: 'commune', values: {}, order: 3 },
  ];
  const l = (placeId: string | null, plan: number, source: Line['source'] = 'central'): Line => ({
    id: `${placeId}-${plan}`,
    nodeId: 'n',
    order: 0,
    label: '',
    unit: '',
    placeId,
    source,
    capital: 'recurrent',
    vintage: 2023,
    plan,
    disbursed: plan >> 1,
    asOf: null,
    expectedRate: null,
  });

  it('sums by district (communes into theirs), districts first in order, unplaced last', () => {
    const t = totalsByPlace([l('d2', 5), l('c1', 3, 'local'), l(null, 2), l('d1', 4)], places);
    expect(t.rows.map((r) => [r.name, r.plan, r.central, r.local, r.lines])).toEqual([
      ['Huyện A', 7, 4, 3, 2],
      ['Huyện B', 5, 5, 0, 1],
      ['', 2, 2, 0, 1],
    ]);
    expect(t.total).toMatchObject({ plan: 14, disbursed: 2 + 1 + 1 + 2, lines: 4 });
  });

  it('property: the rows add up to the total exactly, by source and disbursed too', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            place: fc.constantFrom('d1', 'd2', 'c1', 'p', null),
            plan: fc.integer({ min: 0, max: 1e13 }),
            source: fc.constantFrom<Line['source']>('central', 'local', 'other'),
          }),
        ),
        (rows) => {
          const t = totalsByPlace(
            rows.map((r, i) => ({ ...l(r.place, r.plan, r.source), id: `l${i}` })),
            places,
          );
          for (const k of ['plan', 'central', 'local', 'other', 'disbursed', 'lines'] as const) expect(t.rows.reduce((a, r) => a + r[k], 0)).toBe(t.total[k]);
          expect(t.total.plan).toBe(t.total.central + t.total.local + t.total.other);
        },
      ),
    );
  });
});
