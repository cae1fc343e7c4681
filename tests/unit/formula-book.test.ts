import { describe, expect, it } from 'vitest';
import { instantiateTree, orderTree } from '../../src/domain/tree';
import { blankLine } from '../../src/domain/edit';
import { buildColumns, rollUp } from '../../src/domain/rollup';
import type { CellFormula, Line } from '../../src/domain/model';
import { buildFormulaBook, computeFormulas } from '../../src/domain/formula/book';
import { columnsHost } from '../../src/domain/formula/host';
import { cellVertex } from '../../src/domain/formula/graph';
import { formulaNamesOf, shownFormula, withoutFormula, withTypedFormula } from '../../src/domain/formula/workbook-edit';
import { createRecalcService } from '../../src/engine/recalc-core';
import { FormulaCells } from '../../src/state/formula-cells';
import { orderLines } from '../../src/domain/compare-request';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { describeProblem } from '../../src/domain/messages';
import { parseFormula, formatFormula, type FormulaNames } from '../../src/domain/formula/parse';

const tree = orderTree(instantiateTree('wb'));
const node = (code: string) => tree.nodes.find((n) => n.code === code)!;
const TR = 1_000_000;

/** A plan of lines in DA1, DA2 and DA3 with formulas typed by code and label, stored by id. */
function workbook(lines: Line[], typed: Record<string, Partial<Record<'plan' | 'disbursed' | 'expectedRate', string>>>, unit: CellFormula['unit'] = 'trieu') {
  const names: FormulaNames = {
    itemByCode: (code) => tree.nodes.find((n) => n.code === code)?.id ?? null,
    linesByLabel: (label, item) => lines.filter((l) => l.label === label && (!item || l.nodeId === item)).map((l) => l.id),
    lineItem: (id) => lines.find((l) => l.id === id)?.nodeId ?? null,
    itemCode: (id) => tree.nodes.find((n) => n.id === id)?.code ?? null,
    lineLabel: (id) => lines.find((l) => l.id === id)?.label ?? null,
  };
  for (const l of lines) {
    const own = typed[l.id];
    if (!own) continue;
    l.formulas = {};
    for (const [field, text] of Object.entries(own)) {
      const p = parseFormula(text!, { locale: 'vi', names, hasSelf: true });
      if (!p.ok) throw new Error(p.error.code);
      l.formulas[field as 'plan'] = { text: formatFormula(p.value.expr, { kind: 'stored' }), unit };
    }
  }
  return lines;
}

function compute(lines: Line[], columnFormulas?: Record<string, CellFormula>) {
  const cols = buildColumns(tree, lines);
  const lineIndex = new Map(lines.map((l, i) => [l.id, i]));
  const host = columnsHost(
    cols,
    rollUp(cols),
    (id) => lineIndex.get(id) ?? -1,
    (id) => tree.indexOf.get(id),
  );
  const book = buildFormulaBook({ workbook: { columnFormulas }, nodes: tree.nodes, lines });
  const out = computeFormulas(book, host);
  // Results name lines by index: tell them by id here.
  const named = <T extends { line: number }>(xs: T[]) => xs.map((x) => ({ ...x, line: lines[x.line].id }));
  return { values: named(out.values), errors: named(out.errors), cols, host, book, lineIndex, named };
}

const line = (id: string, code: string, label: string, plan: number, over: Partial<Line> = {}): Line => ({
  ...blankLine(id, node(code).id, 0, 2024),
  label,
  plan,
  ...over,
});

describe('a workbook of formulas', () => {
  it('a line follows an item total by code, and another line by label, through levels', () => {
    const lines = workbook([line('a', 'DA1', 'Phòng LĐTBXH', 2_000 * TR), line('b', 'DA2', 'Trung tâm Y tế huyện', 0), line('c', 'DA3', 'Xã A', 0)], {
      b: { plan: '=DA1*10%' },
      c: { plan: '=DA2+[Trung tâm Y tế huyện]*0,5' },
    });
    const { values, errors, cols } = compute(lines);
    expect(errors).toEqual([]);
    // b = 10 % of 2 000 triệu = 200 triệu; c reads DA2 after b is written: 200 + 100 = 300 triệu.
    expect(values).toEqual([
      { line: 'b', field: 'plan', value: 200 * TR },
      { line: 'c', field: 'plan', value: 300 * TR },
    ]);
    expect(cols.plan[2]).toBe(300 * TR);
  });

  it('recomputes only what a change reaches, and the result follows the input', () => {
    const lines = workbook([line('a', 'DA1', 'Phòng LĐTBXH', 2_000 * TR), line('b', 'DA2', 'Trung tâm', 0), line('c', 'DA3', 'Xã A', 5 * TR)], { b: { plan: '=DA1*10%' } });
    const { book, host, named } = compute(lines);
    host.write([{ line: 0, field: 'plan', value: 3_000 * TR }]);
    expect(book.plan.staleAfter([cellVertex(2, 'plan')])).toEqual([]);
    const stale = book.plan.staleAfter([cellVertex(0, 'plan')]);
    expect(stale).toEqual([cellVertex(1, 'plan')]);
    expect(named(computeFormulas(book, host, stale).values)).toEqual([{ line: 'b', field: 'plan', value: 300 * TR }]);
  });

  it('rounds to the đồng once, in the unit the formula was typed in', () => {
    const lines = workbook([line('a', 'DA1', 'x', 0)], { a: { plan: '=2398*60%' } }, 'trieu');
    expect(compute(lines).values).toEqual([{ line: 'a', field: 'plan', value: 1_438_800_000 }]);
    const inDong = workbook([line('a', 'DA1', 'x', 0)], { a: { plan: '=1/3' } }, 'dong');
    expect(compute(inDong).values).toEqual([]); // 0,333… rounds to 0 đồng: unchanged
    const third = workbook([line('a', 'DA1', 'x', 0)], { a: { plan: '=2/3' } }, 'dong');
    expect(compute(third).values).toEqual([{ line: 'a', field: 'plan', value: 1 }]);
  });

  it('a column formula fills every line below, except where a value was typed over it', () => {
    const lines = [
      line('a', 'DA1', 'x', 100 * TR, { disbursed: 40 * TR }),
      line('b', 'DA1', 'y', 200 * TR, { disbursed: 50 * TR, typedOver: ['expectedRate'], expectedRate: 90 }),
    ];
    const { values } = compute(lines, { expectedRate: { text: '=[@disbursed]/[@plan]+10%', unit: 'trieu' } });
    expect(values).toEqual([{ line: 'a', field: 'expectedRate', value: 50 }]);
  });

  it('names a line that reads its own item as a cycle and keeps its value', () => {
    const lines = workbook([line('a', 'DA1', 'x', 7)], { a: { plan: '=DA1*2' } });
    const { values, errors, book } = compute(lines);
    expect(values).toEqual([]);
    expect(errors).toEqual([{ line: 'a', field: 'plan', error: 'cycle' }]);
    expect(book.plan.cycles).toEqual([[cellVertex(0, 'plan')]]);
  });

  it('a reference to a deleted line is #REF! in its cell, and the value stays', () => {
    const lines = workbook([line('a', 'DA1', 'x', 7), line('b', 'DA2', 'y', 0)], { b: { plan: '=[x]*2' } });
    const kept = lines.filter((l) => l.id !== 'a');
    const { values, errors } = compute(kept);
    expect(values).toEqual([]);
    expect(errors).toEqual([{ line: 'b', field: 'plan', error: 'ref' }]);
  });
});

describe('formulas as the session edits them', () => {
  const demo = () => structuredClone(buildDemoWorkbook(0));

  it('types =DA3.TDA1*10% into a line, and the line follows when DA3.TDA1 changes', () => {
    const data = demo();
    const target = data.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!;
    const typed = withTypedFormula(data, target, 'plan', '=DA3.TDA1*10%', { locale: 'vi', unit: 'trieu' });
    expect(typed.ok).toBe(true);
    if (!typed.ok) return;
    const tree = orderTree(data.nodes);
    const lines = orderLines(
      tree,
      data.lines.map((l) => (l.id === target.id ? typed.value : l)),
    );
    // Computed where the session's worker computes them: on the plan's columns and incremental roll-up.
    const service = createRecalcService();
    service.load(buildColumns(tree, lines));
    const first = service.formulas(new FormulaCells().spec({ workbook: data.workbook, nodes: tree.nodes, lines }, true))!.formulas!;
    const at = lines.findIndex((l) => l.id === target.id);
    expect([...first.line]).toEqual([at]);
    expect([...first.value]).toEqual([239_800_000]);
    // DA3.TDA1's line goes from 2 398 to 3 000 triệu: only the formula line follows.
    const source = lines.findIndex((l) => l.nodeId === data.nodes.find((n) => n.code === 'DA3.TDA1')!.id);
    const next = service.edit([{ line: source, field: 'plan', value: 3_000 * TR }]).formulas!;
    expect([...next.line]).toEqual([at]);
    expect([...next.value]).toEqual([300 * TR]);
    const edited = lines.map((l, i) => (i === source ? { ...l, plan: 3_000 * TR } : l));
    expect(shownFormula(typed.value.formulas!.plan!.text, formulaNamesOf(data.nodes, edited), 'vi')).toBe('=DA3.TDA1*10%');
  });

  it('refuses a formula that reads its own item, naming the cycle', () => {
    const data = demo();
    const target = data.lines.find((l) => l.unit === 'Trung tâm Y tế huyện')!;
    const typed = withTypedFormula(data, target, 'plan', '=DA3*10%', { locale: 'vi', unit: 'trieu' });
    expect(typed.ok).toBe(false);
    if (typed.ok) return;
    expect(typed.error.code).toBe('formula.cycle');
    expect(describeProblem(typed.error, 'vi')).toContain('Trung tâm Y tế huyện (Kế hoạch)');
  });

  it('finds a line by its implementing unit when it has no label, as the grid names it', () => {
    const data = demo();
    const target = data.lines[0];
    const typed = withTypedFormula(data, target, 'disbursed', '=[Trung tâm Y tế huyện].plan/2', { locale: 'vi', unit: 'trieu' });
    expect(typed.ok && typed.value.formulas?.disbursed?.text).toMatch(/^=\[#line:.+\]\/2$/);
  });

  it('a value typed over a column formula is marked, and the formula no longer reaches it', () => {
    const line = { ...demo().lines[0], formulas: { plan: { text: '=1', unit: 'dong' as const } } };
    const cleared = withoutFormula(line, 'plan', true);
    expect(cleared.formulas).toBeUndefined();
    expect(cleared.typedOver).toEqual(['plan']);
    expect(withoutFormula(cleared, 'plan', true)).toBe(cleared);
  });
});
