import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFormula, formulaRefs, parseFormula, readStoredFormula, type FormulaNames } from '../../src/domain/formula/parse';
import {
  amountInUnit,
  cellValueOf,
  evaluateFormula,
  evaluateIntoCell,
  rateAsFraction,
  type CellKind,
  type FormulaError,
  type FormulaValue,
  type OperandReader,
} from '../../src/domain/formula/evaluate';
import { add, compare, fromDecimal, fromInteger, mul, ratio, toDecimalText, type Rational, type RoundingRule } from '../../src/domain/formula/rational';
import { cellVertex, planFormulas, type FormulaCell, type FormulaTree } from '../../src/domain/formula/graph';
import { describeProblem } from '../../src/domain/messages';
import type { AmountUnit, NumberLocale } from '../../src/domain/model';

// A small workbook: items DA3 > DA3.TDA1, DA1; lines with labels (one label on two lines).
const items: Record<string, { code: string; parent: string | null }> = {
  i3: { code: 'DA3', parent: null },
  i31: { code: 'DA3.TDA1', parent: 'i3' },
  i1: { code: 'DA1', parent: null },
};
const lines: Record<string, { label: string; item: string }> = {
  l1: { label: 'Trung tâm Y tế huyện', item: 'i31' },
  l2: { label: 'Xã A', item: 'i31' },
  l3: { label: 'Xã A', item: 'i1' },
  l4: { label: 'Phòng LĐTBXH', item: 'i1' },
};
const names: FormulaNames = {
  itemByCode: (code) => Object.entries(items).find(([, v]) => v.code === code)?.[0] ?? null,
  linesByLabel: (label, item) =>
    Object.entries(lines)
      .filter(([, v]) => v.label === label && (!item || v.item === item))
      .map(([k]) => k),
  lineItem: (id) => lines[id]?.item ?? null,
  itemCode: (id) => items[id]?.code ?? null,
  lineLabel: (id) => lines[id]?.label ?? null,
};

const read = (text: string, locale: NumberLocale = 'vi', hasSelf = true) => parseFormula(text, { locale, names, hasSelf });
const value = (text: string, locale: NumberLocale = 'vi', refs: Record<string, Rational> = {}): FormulaValue => {
  const p = read(text, locale);
  if (!p.ok) throw new Error(describeProblem(p.error, 'en'));
  return evaluateFormula(p.value.expr, (r) => refs[r.kind === 'self' ? `@${r.field}` : r.kind === 'total' ? `total.${r.field}` : `${r.id}.${r.field}`] ?? { error: 'ref' });
};
const dec = (v: FormulaValue) => (typeof v === 'object' && 'n' in v ? toDecimalText(v) : v);

describe('reading formulas', () => {
  it.each([
    ['=100+250', 'vi', '350'],
    ['=2398*60%', 'vi', '1438.8'],
    ['=2398*0,6', 'vi', '1438.8'],
    ['=2398*0.6', 'en', '1438.8'],
    ['=2398*0,6', 'en', '1438.8'],
    ['=2398*0.6', 'vi', '1438.8'],
    ['=1.500*2', 'vi', '3000'],
    ['=1.500.000,5*2', 'vi', '3000001'],
    ['=0,1+0,2', 'vi', '0.3'],
    ['=0.1+0.2', 'en', '0.3'],
    ['=2+3*4', 'en', '14'],
    ['=(2+3)*4', 'en', '20'],
    ['=-2^2', 'en', '4'],
    ['=2^3^2', 'en', '64'],
    ['=10/4', 'en', '2.5'],
    ['=50%+5%', 'en', '0.55'],
    ['=SUM(1, 2, 3)', 'en', '6'],
    ['=SUM(1,5; 2)', 'vi', '3.5'],
    ['=TONG(1; 2; 3)', 'vi', '6'],
    ['=ROUND(2.5)', 'en', '3'],
    ['=ROUND(-2.5)', 'en', '-3'],
    ['=ROUND(1234.5678, 2)', 'en', '1234.57'],
    ['=ROUND(1234, -2)', 'en', '1200'],
    ['=LAMTRON(2,45; 1)', 'vi', '2.5'],
    ['=ROUNDUP(2.01)', 'en', '3'],
    ['=ROUNDDOWN(-2.99)', 'en', '-2'],
    ['=MIN(3, 1, 2)', 'en', '1'],
    ['=MAX(3, 1, 2)', 'en', '3'],
    ['=IF(2>1, 10, 20)', 'en', '10'],
    ['=NEU(2<1; 10; 20)', 'vi', '20'],
    ['=IF(1=1, 5, 1/0)', 'en', '5'],
    ['=ABS(-7)', 'en', '7'],
    ['=3×4', 'vi', '12'],
  ] as const)('%s (%s) = %s', (text, locale, want) => {
    expect(dec(value(text, locale))).toBe(want);
  });

  it('compares and combines truth values', () => {
    expect(value('=AND(1<2, 2<=2, NOT(3<>3))', 'en')).toBe(true);
    expect(value('=OR(1>2, 2>=3)', 'en')).toBe(false);
  });

  it('divides by zero into an error value, not a crash', () => {
    expect(value('=1/0', 'en')).toEqual({ error: 'div-zero' });
    expect(value('=1/(2-2)+5', 'en')).toEqual({ error: 'div-zero' });
  });

  it('reads items by code, lines by label, and the own line', () => {
    const refs = { 'i31.plan': fromInteger(2000), 'i31.disbursed': fromInteger(500), 'l1.plan': fromInteger(700), '@plan': fromInteger(80), 'total.plan': fromInteger(9000) };
    expect(dec(value('=DA3.TDA1*10%', 'vi', refs))).toBe('200');
    expect(dec(value('=DA3.TDA1.disbursed', 'vi', refs))).toBe('500');
    expect(dec(value('=[DA3.TDA1].Đã giải ngân/2', 'vi', refs))).toBe('250');
    expect(dec(value('=[Trung tâm Y tế huyện].plan + 1', 'vi', refs))).toBe('701');
    expect(dec(value('=[Trung tâm Y tế huyện]', 'vi', refs))).toBe('700');
    expect(dec(value('=[@Kế hoạch]*1,05', 'vi', refs))).toBe('84');
    expect(dec(value('=TONG.plan', 'vi', refs))).toBe('9000');
  });

  it('tells a label shared by lines from one that is not, and reads it within an item', () => {
    const p = read('=[Xã A]');
    expect(p.ok || p.error.code).toBe('formula.ambiguous-line');
    const q = read('=[DA3.TDA1 / Xã A]');
    expect(q.ok && formulaRefs(q.value.expr)).toEqual([{ kind: 'line', id: 'l2', field: 'plan' }]);
  });

  it.each([
    ['=2398*', 'formula.syntax'],
    ['=(1+2', 'formula.syntax'],
    ['=1+2)', 'formula.syntax'],
    ['=FOO(1)', 'formula.unknown-function'],
    ['=DA9*2', 'formula.unknown-name'],
    ['=[Không có dòng này]', 'formula.unknown-name'],
    ['=[DA3.TDA1].tiền', 'formula.unknown-field'],
    ['=ROUND(1, 2, 3)', 'formula.arity'],
    ['=IF(1)', 'formula.arity'],
    ['=1 $ 2', 'formula.syntax'],
    ['=((…70 levels…))', 'formula.too-deep'],
    ['=1+1+… 10 000 characters', 'formula.too-long'],
  ])('refuses %s with %s, and says it in both languages', (label, code) => {
    const text = label.startsWith('=((') ? '=' + '('.repeat(70) + '1' + ')'.repeat(70) : label.startsWith('=1+1+') ? '=' + '1+'.repeat(5000) + '1' : label;
    const p = read(text, 'en');
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.error.code).toBe(code);
    expect(describeProblem(p.error, 'vi')).not.toMatch(/mã lỗi/);
    expect(describeProblem(p.error, 'en')).not.toMatch(/error code/);
  });

  it('refuses [@…] outside a line', () => {
    const p = parseFormula('=[@plan]*2', { locale: 'en', names, hasSelf: false });
    expect(!p.ok && p.error.code).toBe('formula.no-self');
  });

  it('evaluates a 4 000-term chain without running out of stack', () => {
    expect(dec(value('=' + '1+'.repeat(4000) + '1', 'en'))).toBe('4001');
  });
});

describe('writing formulas back', () => {
  it('stores references by id and shows them by their current names', () => {
    const p = read('=[Trung tâm Y tế huyện].Đã giải ngân + DA3.TDA1*10% - [DA3.TDA1 / Xã A]');
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const stored = formatFormula(p.value.expr, { kind: 'stored' });
    expect(stored).toBe('=[#line:l1].disbursed + [#item:i31]*10% - [#line:l2]');
    const again = readStoredFormula(stored);
    expect(again.ok && formatFormula(again.value.expr, { kind: 'stored' })).toBe(stored);
    expect(formatFormula(p.value.expr, { kind: 'shown', locale: 'vi', names })).toBe('=[Trung tâm Y tế huyện].Đã giải ngân + DA3.TDA1*10% - [DA3.TDA1 / Xã A]');
    expect(formatFormula(p.value.expr, { kind: 'shown', locale: 'en', names })).toBe('=[Trung tâm Y tế huyện].disbursed + DA3.TDA1*10% - [DA3.TDA1 / Xã A]');
  });

  it('follows a renamed item and shows a deleted one as #REF!', () => {
    const p = readStoredFormula('=[#item:i31]*2 + [#line:gone]');
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const renamed: FormulaNames = { ...names, itemCode: (id) => (id === 'i31' ? 'DA3.TDA2' : names.itemCode(id)) };
    expect(formatFormula(p.value.expr, { kind: 'shown', locale: 'vi', names: renamed })).toBe('=DA3.TDA2*2 + #REF!');
  });

  it('writes vi decimals and argument separators for a vi reader', () => {
    const p = read('=ROUND(2398,5*0,6; 0)');
    expect(p.ok && formatFormula(p.value.expr, { kind: 'shown', locale: 'vi', names })).toBe('=ROUND(2398,5*0,6; 0)');
    expect(p.ok && formatFormula(p.value.expr, { kind: 'stored' })).toBe('=ROUND(2398.5*0.6, 0)');
  });

  it('keeps the meaning through show → read for random formulas', () => {
    const leaf = fc.oneof(
      fc.integer({ min: 0, max: 10 ** 9 }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 99 })).map(([a, b]) => `${a}.${b}`),
      fc.constantFrom('DA3.TDA1', '[Trung tâm Y tế huyện]', 'DA1.disbursed', '[@plan]'),
    );
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/'), tie('e')).map(([a, op, b]) => `${a}${op}${b}`),
        tie('e').map((a) => `(${a})`),
        tie('e').map((a) => `-${a}`),
        tie('e').map((a) => `${a}%`),
        fc.tuple(tie('e'), tie('e')).map(([a, b]) => `MAX(${a}, ${b})`),
      ),
    })).e;
    const refs: Record<string, Rational> = { 'i31.plan': fromInteger(2000), 'i1.disbursed': fromInteger(300), 'l1.plan': fromInteger(700), '@plan': fromInteger(80) };
    fc.assert(
      fc.property(expr, fc.constantFrom<NumberLocale>('vi', 'en'), (text, locale) => {
        const p = read('=' + text, 'en');
        if (!p.ok) return;
        const shown = formatFormula(p.value.expr, { kind: 'shown', locale, names });
        const q = read(shown, locale);
        expect(q.ok).toBe(true);
        if (!q.ok) return;
        const ev = (e: typeof p.value.expr) =>
          dec(evaluateFormula(e, (r) => refs[r.kind === 'self' ? `@${r.field}` : `${(r as { id: string }).id}.${r.field}`] ?? { error: 'ref' }));
        expect(ev(q.value.expr)).toEqual(ev(p.value.expr));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a formula into its cell', () => {
  it('rounds money once, half away from zero, in the unit typed', () => {
    expect(cellValueOf(fromDecimal('1438.8')!, 'amount', 'dong')).toEqual({ ok: true, value: 1439 });
    expect(cellValueOf(fromDecimal('-2.5')!, 'amount', 'dong')).toEqual({ ok: true, value: -3 });
    expect(cellValueOf(fromDecimal('2.5')!, 'amount', 'dong', 'half-even')).toEqual({ ok: true, value: 2 });
    expect(cellValueOf(fromDecimal('1438.8')!, 'amount', 'trieu')).toEqual({ ok: true, value: 1_438_800_000 });
    expect(cellValueOf(fromDecimal('0.55')!, 'rate', 'dong')).toEqual({ ok: true, value: 55 });
    expect(cellValueOf(true, 'amount', 'dong')).toEqual({ ok: false, error: 'not-a-number' });
    expect(cellValueOf(fromDecimal('1e20')!, 'amount', 'dong')).toEqual({ ok: false, error: 'too-large' });
    expect(cellValueOf({ error: 'ref' }, 'amount', 'dong')).toEqual({ ok: false, error: 'ref' });
  });

  it('reads amounts in the unit exactly and rates as fractions', () => {
    expect(toDecimalText(amountInUnit(1_234_567, 'trieu'))).toBe('1.234567');
    expect(toDecimalText(rateAsFraction(43.6)!)).toBe('0.436');
  });

  it('equals the same computation by hand in integers, for amounts up to 10^15 đồng', () => {
    // share = round(a × p / 10 000) for a rate p in hundredths of a percent; total = share + b.
    const units: AmountUnit[] = ['dong', 'nghin', 'trieu', 'ty'];
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(...units),
        (a, b, p, unit) => {
          const exp = { dong: 0n, nghin: 3n, trieu: 6n, ty: 9n }[unit];
          const scale = 10n ** exp;
          const refs = { 'i31.plan': amountInUnit(Number(a), unit), 'l1.plan': amountInUnit(Number(b), unit) };
          const pct = `${Math.floor(p / 100)}.${String(p % 100).padStart(2, '0')}`;
          const got = value(`=DA3.TDA1*${pct}% + [Trung tâm Y tế huyện]`, 'en', refs);
          // By hand: (a·p + b·10 000) / 10 000 đồng, rounded half away from zero.
          const num = a * BigInt(p) + b * 10_000n;
          const q = num / 10_000n;
          const r = num - q * 10_000n;
          const abs = r < 0n ? -r : r;
          const want = abs * 2n >= 10_000n ? q + (num < 0n ? -1n : 1n) : q;
          expect(cellValueOf(got, 'amount', unit)).toEqual({ ok: true, value: Number(want) });
          // And on the fast path, the figures read as two numbers and rounded into the cell there.
          const parsed = read(`=DA3.TDA1*${pct}% + [Trung tâm Y tế huyện]`, 'en');
          if (!parsed.ok) throw new Error('unread');
          const dong: Record<string, bigint> = { 'i31.plan': a, 'l1.plan': b };
          const fast: OperandReader = (r, out) => {
            out.n = Number(dong[`${(r as { id: string }).id}.${r.field}`]);
            out.d = Number(scale);
            return null;
          };
          expect(evaluateIntoCell(parsed.value.expr, fast, 'amount', unit)).toBe(Number(want));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives on its fast path (two numbers while they fit) what BigInt gives, to the last đồng', () => {
    // Random formulas over figures up to 10^15 đồng either way and rates with decimals, each read
    // either as two numbers or as a BigInt rational, into cells of every kind, unit and rounding rule.
    const leaf = fc.oneof(
      fc.integer({ min: 0, max: 10 ** 6 }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 999 })).map(([a, b]) => `${a}.${b}`),
      fc.constantFrom('[@plan]', '[@disbursed]', '[@expectedRate]', 'DA3.TDA1', 'DA1.disbursed', '[Trung tâm Y tế huyện]', '[Phòng LĐTBXH].expectedRate'),
    );
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '*', '/'), tie('e')).map(([a, op, b]) => `(${a}${op}${b})`),
        fc.tuple(tie('e'), fc.integer({ min: 0, max: 3 })).map(([a, k]) => `(${a})^${k}`),
        tie('e').map((a) => `-(${a})`),
        tie('e').map((a) => `(${a})%`),
        fc.tuple(fc.constantFrom('MIN', 'MAX', 'SUM'), fc.array(tie('e'), { minLength: 1, maxLength: 3 })).map(([f, xs]) => `${f}(${xs.join(', ')})`),
        tie('e').map((a) => `ABS(${a})`),
        fc.tuple(fc.constantFrom('ROUND', 'ROUNDUP', 'ROUNDDOWN'), tie('e'), fc.integer({ min: -4, max: 4 })).map(([f, a, k]) => `${f}(${a}, ${k})`),
        fc.tuple(tie('e'), fc.constantFrom('<', '<=', '=', '<>', '>', '>='), tie('e'), tie('e'), tie('e')).map(([a, op, b, x, y]) => `IF(${a}${op}${b}, ${x}, ${y})`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, x, y]) => `IF(AND(${a}, NOT(${x})), ${x}, ${y})`),
      ),
    })).e;
    const amount = fc.oneof(
      fc.integer({ min: -(10 ** 6), max: 10 ** 6 }),
      fc.integer({ min: 0, max: 5000 }).map((k) => k * 1_000_000),
      fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }).map(Number),
    );
    const rate = fc.oneof(
      fc.constant(null),
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: -10_000, max: 20_000 }).map((h) => h / 100),
    );
    const rational = (v: FormulaValue | undefined) => v as Rational;
    fc.assert(
      fc.property(
        expr,
        fc.record({ plan: amount, disbursed: amount, item: amount, itemDisbursed: amount, l1: amount, rate, l4rate: rate }),
        fc.constantFrom<AmountUnit>('dong', 'nghin', 'trieu', 'ty'),
        fc.constantFrom<CellKind>('amount', 'rate', 'count'),
        fc.constantFrom<RoundingRule>('half-away-from-zero', 'half-even', 'up', 'down'),
        fc.boolean(),
        (text, f, unit, kind, rule, asBigInt) => {
          const p = read('=' + text, 'en');
          if (!p.ok) return;
          const scale = { dong: 1, nghin: 1000, trieu: 1_000_000, ty: 1_000_000_000 }[unit];
          // Each reference's value: an amount in đồng or a rate in percent (null: none).
          const figure = (key: string): { amount: number } | { rate: number | null } | undefined =>
            ({
              '@plan': { amount: f.plan },
              '@disbursed': { amount: f.disbursed },
              '@expectedRate': { rate: f.rate },
              'i31.plan': { amount: f.item },
              'i1.disbursed': { amount: f.itemDisbursed },
              'l1.plan': { amount: f.l1 },
              'l4.expectedRate': { rate: f.l4rate },
            })[key];
          const keyOf = (r: Parameters<OperandReader>[0]) => (r.kind === 'self' ? `@${r.field}` : `${(r as { id: string }).id}.${r.field}`);
          const slow = (r: Parameters<OperandReader>[0]): Rational | FormulaError => {
            const x = figure(keyOf(r));
            if (!x) return { error: 'ref' };
            return 'amount' in x ? amountInUnit(x.amount, unit) : x.rate === null ? fromInteger(0) : rateAsFraction(x.rate)!;
          };
          const fast: OperandReader = (r, out) => {
            const x = figure(keyOf(r));
            if (!x || asBigInt || 'rate' in x) return slow(r);
            out.n = x.amount;
            out.d = scale;
            return null;
          };
          const exact = evaluateFormula(p.value.expr, slow, 'bigint');
          const quick = evaluateFormula(p.value.expr, slow);
          if (typeof exact === 'object' && 'n' in exact) expect(compare(rational(quick), exact)).toBe(0);
          else expect(quick).toEqual(exact);
          const want = cellValueOf(exact, kind, unit, rule);
          expect(evaluateIntoCell(p.value.expr, fast, kind, unit, rule)).toBe(want.ok ? want.value : want.error);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('adds exactly where binary floating point does not', () => {
    const v = add(ratio(1n, 10n), ratio(2n, 10n));
    expect(toDecimalText(v)).toBe('0.3');
    expect(toDecimalText(mul(fromDecimal('2398')!, fromDecimal('0.6')!))).toBe('1438.8');
  });
});

describe('dependencies through the tree', () => {
  const itemIds = Object.keys(items);
  const lineIds = Object.keys(lines);
  const tree: FormulaTree = {
    lineCount: lineIds.length,
    itemCount: itemIds.length,
    itemParent: (k) => itemIds.indexOf(items[itemIds[k]].parent ?? ''),
    lineItem: (i) => itemIds.indexOf(lines[lineIds[i]].item),
    lineIndex: (id) => lineIds.indexOf(id),
    itemIndex: (id) => itemIds.indexOf(id),
  };
  const cell = (line: string, field: FormulaCell['field'], text: string): FormulaCell => {
    const p = read(text, 'en');
    if (!p.ok) throw new Error(p.error.code);
    return { line: lineIds.indexOf(line), field, refs: formulaRefs(p.value.expr) };
  };
  const v = (line: string, field: FormulaCell['field']) => cellVertex(lineIds.indexOf(line), field);

  it('orders formulas after what they read, by levels', () => {
    const plan = planFormulas([cell('l4', 'plan', '=DA3.TDA1*10%'), cell('l1', 'plan', '=[DA3.TDA1 / Xã A].plan*2'), cell('l2', 'expectedRate', '=50%')], tree);
    expect(plan.cycles).toEqual([]);
    const order = [...plan.order];
    expect(order.indexOf(v('l1', 'plan'))).toBeLessThan(order.indexOf(v('l4', 'plan')));
    expect(plan.levelOf(v('l1', 'plan'))).toBe(0);
    expect(plan.levelOf(v('l4', 'plan'))).toBe(1);
    expect(plan.staleAfter([v('l2', 'plan')])).toEqual([v('l1', 'plan'), v('l4', 'plan')]);
    expect(plan.staleAfter([v('l3', 'plan')])).toEqual([]);
  });

  it('names a cycle through an item total: a line reading its own item', () => {
    const plan = planFormulas([cell('l1', 'plan', '=DA3*10%')], tree);
    expect(plan.cycles).toEqual([[v('l1', 'plan')]]);
    expect(plan.inCycle).toEqual([v('l1', 'plan')]);
    expect(plan.order.length).toBe(0);
  });

  it('names a cycle across lines, and marks what reads it', () => {
    const plan = planFormulas(
      [cell('l1', 'plan', '=[Phòng LĐTBXH]+1'), cell('l4', 'plan', '=[Trung tâm Y tế huyện]*2'), cell('l3', 'disbursed', '=[Trung tâm Y tế huyện]')],
      tree,
    );
    expect(plan.cycles.length).toBe(1);
    expect([...plan.cycles[0]].sort()).toEqual([v('l1', 'plan'), v('l4', 'plan')].sort());
    expect(plan.inCycle).toContain(v('l3', 'disbursed'));
    expect(plan.order.length).toBe(0);
  });

  it('orders a formula reading many lines, each of them a formula, after all of them (edges past the first guess)', () => {
    const n = 60;
    const flat: FormulaTree = { lineCount: n, itemCount: 0, itemParent: () => -1, lineItem: () => -1, lineIndex: (id) => Number(id.slice(1)), itemIndex: () => -1 };
    const reads = Array.from({ length: n - 1 }, (_, k) => ({ kind: 'line' as const, id: `x${k + 1}`, field: 'plan' as const }));
    const cells: FormulaCell[] = [{ line: 0, field: 'plan', refs: reads }, ...reads.map((_, k) => ({ line: k + 1, field: 'plan' as const, refs: [] }))];
    const plan = planFormulas(cells, flat);
    expect(plan.cycles).toEqual([]);
    expect(plan.order.length).toBe(n);
    expect(plan.order[n - 1]).toBe(cellVertex(0, 'plan'));
    expect(plan.levelOf(cellVertex(0, 'plan'))).toBe(1);
    expect(plan.staleAfter([cellVertex(n - 1, 'plan')])).toEqual([cellVertex(0, 'plan')]);
  });

  it('lays out formulas reading their own line as the whole graph does: same levels, cycles and stale cells', () => {
    const fields = ['plan', 'disbursed', 'expectedRate'] as const;
    const formula = fc.record({
      field: fc.constantFrom(...fields),
      reads: fc.subarray([...fields]),
      other: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.array(formula, { maxLength: 3 }), { minLength: 1, maxLength: 8 }), (byLine) => {
        const n = byLine.length;
        const flat: FormulaTree = { lineCount: n, itemCount: 1, itemParent: () => -1, lineItem: () => 0, lineIndex: (id) => Number(id.slice(1)), itemIndex: () => 0 };
        // Per line, formulas in field order (one per field); now and then one reads another line or the item.
        const cells: FormulaCell[] = byLine.flatMap((fs, i) =>
          fields.flatMap((field) => {
            const f = fs.find((x) => x.field === field);
            if (!f) return [];
            const refs: FormulaCell['refs'] = f.reads.map((r) => ({ kind: 'self' as const, field: r }));
            return [{ line: i, field, refs: f.other && i % 3 === 2 ? [...refs, { kind: 'line' as const, id: `x${(i + 1) % n}`, field: 'plan' as const }] : refs }];
          }),
        );
        const quick = planFormulas(cells, flat);
        const whole = planFormulas(cells, flat, 'graph');
        const sorted = (xs: ArrayLike<number>) => [...Array.from(xs)].sort((a, b) => a - b);
        expect(sorted(quick.order)).toEqual(sorted(whole.order));
        expect(sorted(quick.inCycle)).toEqual(sorted(whole.inCycle));
        expect(quick.cycles.map(sorted)).toEqual(whole.cycles.map(sorted));
        for (let v = 0; v < n * 3; v++) {
          expect(quick.levelOf(v)).toBe(whole.levelOf(v));
          expect(sorted(quick.staleAfter([v]))).toEqual(sorted(whole.staleAfter([v])));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("lets a line's disbursed read its own item's plan: the plan does not sum disbursements", () => {
    const plan = planFormulas([cell('l1', 'disbursed', '=DA3*10%')], tree);
    expect(plan.cycles).toEqual([]);
    expect([...plan.order]).toEqual([v('l1', 'disbursed')]);
  });
});
