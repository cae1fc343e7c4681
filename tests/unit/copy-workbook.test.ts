import { describe, expect, it } from 'vitest';
import { copyWorkbook } from '../../src/domain/workbook-copy';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { computeWorkbookFormulas } from '../../src/domain/formula/workbook-formulas';
import { demoWithFormulas } from '../fixtures/demo-formulas';

describe('duplicating a workbook', () => {
  it('gives every record a new id and keeps every link between records', () => {
    const demo = buildDemoWorkbook();
    demo.lines[0] = { ...demo.lines[0], placeId: demo.places![3].id };
    const copy = copyWorkbook(demo, 'Bản sao');
    const oldIds = new Set([demo.workbook.id, ...demo.nodes.map((n) => n.id), ...demo.lines.map((l) => l.id), ...demo.places!.map((p) => p.id)]);
    for (const id of [copy.workbook.id, ...copy.nodes.map((n) => n.id), ...copy.lines.map((l) => l.id), ...copy.places!.map((p) => p.id)]) expect(oldIds.has(id)).toBe(false);
    const nodeIds = new Set(copy.nodes.map((n) => n.id));
    for (const l of copy.lines) expect(nodeIds.has(l.nodeId)).toBe(true);
    for (const n of copy.nodes) if (n.parentId) expect(nodeIds.has(n.parentId)).toBe(true);
    expect(copy.lines[0].placeId).toBe(copy.places![3].id);
    expect(copy.workbook.baselineScenarioId).toBe(copy.scenarios[0].id);
    expect(copy.lines.map((l) => l.plan)).toEqual(demo.lines.map((l) => l.plan));
    expect(copy.workbook.demo).toBe(false);
    expect(copy.workbook.name).toBe('Bản sao');
  });

  it('lines written by a rule stay linked to the copy of the rule and of the recipient', () => {
    const demo = buildDemoWorkbook();
    const place = demo.places![3];
    demo.rules = [
      {
        id: 'rule-1',
        workbookId: demo.workbook.id,
        scenarioId: demo.workbook.baselineScenarioId,
        name: 'Phân bổ',
        nodeId: demo.lines[0].nodeId,
        source: 'central',
        capital: 'recurrent',
        year: 2023,
        envelope: 100,
        unit: 1,
        criteria: [],
        reserved: [],
        overrides: {},
        createdAt: 0,
        updatedAt: 0,
      },
    ];
    demo.lines[0] = { ...demo.lines[0], placeId: place.id, allocation: { ruleId: 'rule-1', key: place.id } };
    demo.lines[1] = { ...demo.lines[1], allocation: { ruleId: 'rule-1', key: 'reserve:office' } };
    const copy = copyWorkbook(demo, 'Bản sao');
    expect(copy.lines[0].allocation).toEqual({ ruleId: copy.rules![0].id, key: copy.places![3].id });
    expect(copy.lines[1].allocation).toEqual({ ruleId: copy.rules![0].id, key: 'reserve:office' });
    expect(demo.lines[0].allocation).toEqual({ ruleId: 'rule-1', key: place.id });
  });

  it('formulas read the copies of the lines and items they read, so the copy computes the same figures and no #REF!', () => {
    const data = demoWithFormulas();
    const formulaLine = data.lines.findIndex((l) => l.formulas?.plan);
    // A second formula reading another line by id.
    const read = data.lines[0];
    data.lines[1] = { ...data.lines[1], formulas: { plan: { text: `=[#line:${read.id}]*2`, unit: 'dong' } } };
    const source = computeWorkbookFormulas(data);
    expect(source.errors).toEqual([]);
    const copy = copyWorkbook(source.data, 'Bản sao');
    const again = computeWorkbookFormulas(copy);
    expect(again.errors).toEqual([]);
    expect(again.data.lines.map((l) => [l.plan, l.expectedRate])).toEqual(source.data.lines.map((l) => [l.plan, l.expectedRate]));
    const text = copy.lines[formulaLine].formulas!.plan!.text;
    expect(text).toContain(`[#item:${copy.nodes.find((n) => n.code === 'DA3.TDA1')!.id}]`);
    expect(copy.lines[1].formulas!.plan!.text).toBe(`=[#line:${copy.lines[0].id}]*2`);
    expect(copy.workbook.columnFormulas).toEqual(data.workbook.columnFormulas);
    // Changing the copied line the formula reads moves the copy, never the source.
    copy.lines[0] = { ...copy.lines[0], plan: copy.lines[0].plan + 1_000 };
    expect(computeWorkbookFormulas(copy).data.lines[1].plan).toBe(2 * (source.data.lines[0].plan + 1_000));
  });
});
