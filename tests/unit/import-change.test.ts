import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { importChange, importChangeInSlices, sameLineKey, type IncomingPlan } from '../../src/domain/import-change';
import { invertChange } from '../../src/domain/edit';
import { buildDemoWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import type { Line, TreeNode } from '../../src/domain/model';

const demo = buildDemoWorkbook();
const nodeOf = (code: string) => demo.nodes.find((n) => n.code === code)!;
const line = (id: string, code: string, patch: Partial<Line> = {}): Line => ({
  id,
  nodeId: nodeOf(code).id,
  order: 0,
  label: '',
  unit: '',
  placeId: null,
  source: 'central',
  capital: 'recurrent',
  vintage: 2023,
  plan: 0,
  disbursed: 0,
  asOf: null,
  expectedRate: null,
  ...patch,
});
const target = () => ({ workbook: demo.workbook, nodes: demo.nodes, lines: demo.lines });
const demoLine = (code: string) => demo.lines.find((l) => l.nodeId === nodeOf(code).id)!;

describe('importChange', () => {
  it('adds new lines after the item’s own, with the place given, and marks unread cells', () => {
    const dsa = demoLine('DA7.TDA1');
    const incoming: IncomingPlan = {
      nodes: [{ node: nodeOf('DA7.TDA1'), status: 'matched' }],
      lines: [{ line: line('n1', 'DA7.TDA1', { unit: 'UBND xã Lộc Yên', plan: 5 }), invalid: ['disbursed'] }],
    };
    const out = importChange(target(), incoming, { placeId: 'p1' });
    expect(out).toMatchObject({ added: 1, updated: 0, nodesAdded: 0, marks: [{ lineId: 'n1', field: 'disbursed' }] });
    expect(out.change.lines).toEqual([{ before: null, after: { ...incoming.lines[0].line, placeId: 'p1', order: dsa.order + 1 } }]);
  });

  it('updates the one line the workbook holds with the same key, only in the fields the file gives', () => {
    const cur = demoLine('DA3.TDA2');
    const from = { ...cur, id: 'file', plan: 600_000_000, disbursed: 0, label: 'Khảo sát', unit: 'TRUNG TÂM Y TẾ HUYỆN' };
    const out = importChange(target(), { nodes: [], lines: [{ line: from, invalid: [] }] }, { fields: ['plan', 'label'] });
    expect(out).toMatchObject({ added: 0, updated: 1 });
    expect(out.change.lines).toEqual([{ before: cur, after: { ...cur, plan: 600_000_000, label: 'Khảo sát' } }]);
  });

  it('keeps the workbook’s line when asked, and never sums', () => {
    const cur = demoLine('DA3.TDA2');
    const out = importChange(target(), { nodes: [], lines: [{ line: { ...cur, id: 'file', plan: 1 }, invalid: [] }] }, { sameLine: 'keep' });
    expect(out).toMatchObject({ added: 0, updated: 0, kept: 1 });
    expect(out.change.lines).toEqual([]);
  });

  it('adds rather than guesses when a key is held twice on either side', () => {
    const a = line('a', 'DA5', { plan: 1 });
    const b = line('b', 'DA5', { plan: 2 });
    const out = importChange(
      { ...target(), lines: [...demo.lines, line('x', 'DA5', { plan: 9 })] },
      {
        nodes: [],
        lines: [
          { line: a, invalid: [] },
          { line: b, invalid: [] },
        ],
      },
    );
    expect(out.added).toBe(2);
  });

  it('tells lines with the same key apart by their label (districts of one project, one implementing unit)', () => {
    const held = [
      line('h1', 'DA2', { label: 'Huyện Cao Lộc', unit: 'Phòng Nông nghiệp', plan: 150 }),
      line('h2', 'DA2', { label: 'Huyện Lộc Bình', unit: 'Phòng Nông nghiệp', plan: 100 }),
    ];
    const file = [
      line('f1', 'DA2', { label: 'HUYỆN CAO LỘC', unit: 'Phòng Nông nghiệp', plan: 175 }),
      line('f2', 'DA2', { label: 'Huyện Lộc Bình', unit: 'Phòng Nông nghiệp', plan: 100 }),
    ];
    const out = importChange({ ...target(), lines: [...demo.lines, ...held] }, { nodes: [], lines: file.map((l) => ({ line: l, invalid: [] })) }, { fields: ['plan'] });
    expect(out).toMatchObject({ added: 0, updated: 1, unchanged: 1 });
    expect(out.change.lines).toEqual([{ before: held[0], after: { ...held[0], plan: 175 } }]);
    // Two lines with the same key and label on one side are still not guessed between.
    const twice = importChange({ ...target(), lines: [...demo.lines, ...held, { ...held[0], id: 'h3' }] }, { nodes: [], lines: [{ line: file[0], invalid: [] }] });
    expect(twice.added).toBe(1);
  });

  it('works out the same change in slices, giving the event loop back between them', async () => {
    const file = Array.from({ length: 5_000 }, (_, i) => ({ line: line(`s${i}`, i % 2 ? 'DA2' : 'DA5', { unit: `Xã ${i % 7}`, plan: i }), invalid: [] }));
    let pauses = 0;
    const sliced = await importChangeInSlices(target(), { nodes: [], lines: file }, {}, async () => void pauses++, 0);
    expect(sliced).toEqual(importChange(target(), { nodes: [], lines: file }));
    expect(pauses).toBeGreaterThan(2);
  });

  it('adds new items and puts stated figures on items and on the workbook’s year', () => {
    const fresh: TreeNode = { id: 'new-node', workbookId: 'other', parentId: nodeOf('DA3').id, code: 'DA3.TDA3', name: 'Mới', order: 9, stated: { plan: 7 } };
    const out = importChange(
      target(),
      {
        nodes: [
          { node: fresh, status: 'new' },
          { node: nodeOf('DA4'), status: 'matched', stated: { plan: 2_148_000_000 } },
        ],
        lines: [],
        totals: [{ scope: 'table', nodeId: null, figures: { plan: 13_392_000_000, disbursed: 1 } }],
      },
      { note: 'huyen.xlsx' },
    );
    expect(out.nodesAdded).toBe(1);
    expect(out.change.nodes).toContainEqual({ before: null, after: { ...fresh, workbookId: demo.workbook.id } });
    expect(out.change.nodes).toContainEqual({ before: nodeOf('DA4'), after: { ...nodeOf('DA4'), stated: { plan: 2_148_000_000 } } });
    const year = out.change.workbook!.after.stated.find((s) => s.year === 2023)!;
    expect(year.figures).toMatchObject({ plan: 13_392_000_000, disbursed: 1, central: 13_164_000_000 });
    expect(year.note).toBe('huyen.xlsx');
  });

  it('states nothing when told not to (a district into a province)', () => {
    const out = importChange(
      target(),
      { nodes: [{ node: nodeOf('DA4'), status: 'matched', stated: { plan: 1 } }], lines: [], totals: [{ scope: 'table', nodeId: null, figures: { plan: 1 } }] },
      { stated: false },
    );
    expect(out.change.nodes).toEqual([]);
    expect(out.change.workbook).toBeUndefined();
  });

  const arbLine = fc.record({
    code: fc.constantFrom('DA2', 'DA3.TDA1', 'DA5', 'DA7.TDA2'),
    unit: fc.constantFrom('', 'Phòng LĐ-TB&XH-DT', 'phòng lđ-tb&xh-dt'),
    vintage: fc.constantFrom(2022, 2023),
    plan: fc.integer({ min: 0, max: 9_000_000_000_000 }),
  });

  it('property: the workbook after the change holds its lines plus the file’s, updated ones replaced, and undoing restores it', () => {
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 12 }), fc.constantFrom<'update' | 'keep'>('update', 'keep'), (rows, sameLine) => {
        const incoming = rows.map((r, i) => ({ line: line(`f${i}`, r.code, { unit: r.unit, vintage: r.vintage, plan: r.plan }), invalid: [] }));
        const out = importChange(target(), { nodes: [], lines: incoming }, { sameLine });
        expect(out.added + out.updated + out.unchanged + out.kept).toBe(rows.length);
        const after = new Map(demo.lines.map((l) => [l.id, l]));
        for (const c of out.change.lines ?? []) after.set(c.after!.id, c.after!);
        expect(after.size).toBe(demo.lines.length + out.added);
        // Money in = money of untouched lines + the file's money for every line it added or updated.
        const sum = (ls: Iterable<Line>) => [...ls].reduce((a, l) => a + l.plan, 0);
        const replaced = (out.change.lines ?? []).filter((c) => c.before).map((c) => c.before!);
        expect(sum(after.values())).toBe(sum(demo.lines) - sum(replaced) + sum((out.change.lines ?? []).map((c) => c.after!)));
        const undone = new Map(after);
        for (const c of invertChange(out.change).lines ?? []) {
          if (c.after) undone.set(c.after.id, c.after);
          else undone.delete(c.before!.id);
        }
        expect([...undone.values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...demo.lines].sort((a, b) => a.id.localeCompare(b.id)));
        expect(importChange(target(), { nodes: [], lines: incoming }, { sameLine })).toEqual(out);
      }),
      { numRuns: 200 },
    );
  });

  it('folds case and accents of the implementing unit in the key', () => {
    expect(sameLineKey(line('a', 'DA2', { unit: 'Phòng Văn hoá' }))).toBe(sameLineKey(line('b', 'DA2', { unit: 'PHÒNG VĂN HOÁ ' })));
    expect(sameLineKey(line('a', 'DA2'))).not.toBe(sameLineKey(line('a', 'DA2', { vintage: 2022 })));
  });

  it('works on an empty workbook', () => {
    const empty = buildEmptyWorkbook('x', 2023);
    const out = importChange({ workbook: empty.workbook, nodes: empty.nodes, lines: [] }, { nodes: [], lines: [] });
    expect(out.change).toEqual({ nodes: [], lines: [] });
  });
});
