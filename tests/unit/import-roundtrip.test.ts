import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readImport } from '../../src/io/import-plan';
import type { WorkbookContext } from '../../src/io/import-plan';
import { formatAmount } from '../../src/domain/amount';
import { instantiateTree } from '../../src/domain/tree';
import type { AmountUnit, NumberLocale, TreeNode } from '../../src/domain/model';
import { utf8, value } from './import-helpers';
const nodes: TreeNode[] = instantiateTree('wb');
const ctx: WorkbookContext = { workbookId: 'wb', year: 2023, nodes };
const LEAVES = nodes.filter((n) => !nodes.some((c) => c.parentId === n.id)).map((n) => n.code);
const UNITS: AmountUnit[] = ['dong', 'nghin', 'trieu', 'ty'];
const UNIT_HEADER: Record<AmountUnit, string> = { dong: 'đồng', nghin: 'nghìn đồng', trieu: 'triệu đồng', ty: 'tỷ đồng' };
const UNIT_SUFFIX: Record<AmountUnit, string> = { dong: 'đ', nghin: ' nghìn', trieu: ' triệu', ty: ' tỷ đồng' };
const quote = (sep: string) => (s: string) => (s.includes(sep) || s.includes('"') ? `"${s.replace(/"/g, '""')}"` : s);

interface Written {
  code: string;
  plan: number;
  disbursed: number;
  /** The unit each amount is written in; null = the column's, without a word. */
  planUnit: AmountUnit | null;
  disbursedUnit: AmountUnit | null;
}

const writtenLine = fc.record({
  code: fc.constantFrom(...LEAVES),
  plan: fc.oneof(fc.integer({ min: 0, max: 9_999 }), fc.integer({ min: 0, max: 99_999_999_999_999 })),
  disbursed: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000_000_000_000 })),
  planUnit: fc.option(fc.constantFrom(...UNITS), { freq: 3 }),
  disbursedUnit: fc.option(fc.constantFrom(...UNITS), { freq: 3 }),
});

/** A plan as a user's CSV: a unit line or a unit in the headers, numbers in the locale, some
 * amounts with a unit word of their own. */
function writeCsv(lines: Written[], locale: NumberLocale, unit: AmountUnit, sep: string, unitInHeader: boolean): string {
  const amount = (dong: number, own: AmountUnit | null) => (own === null ? formatAmount(dong, unit, locale) : formatAmount(dong, own, locale) + UNIT_SUFFIX[own]);
  const suffix = unitInHeader ? ` (${UNIT_HEADER[unit]})` : '';
  const rows = [
    ['Kế hoạch vốn năm 2023'],
    unitInHeader ? [] : ['', '', `ĐVT: ${UNIT_HEADER[unit]}`],
    ['Mã', 'Nội dung', `Kế hoạch vốn${suffix}`, `Giải ngân${suffix}`],
    ...lines.map((l) => [l.code, `Dòng ${l.code}`, amount(l.plan, l.planUnit), amount(l.disbursed, l.disbursedUnit)]),
  ];
  return '\uFEFF' + rows.map((r) => r.map(quote(sep)).join(sep)).join('\r\n') + '\r\n';
}

describe('random plans written as CSV read back to the đồng', () => {
  const plan = fc.record({
    lines: fc.array(writtenLine, { minLength: 1, maxLength: 12 }),
    locale: fc.constantFrom<NumberLocale>('vi', 'en'),
    unit: fc.constantFrom(...UNITS),
    sep: fc.constantFrom(',', ';', '\t'),
    unitInHeader: fc.boolean(),
  });

  it('exactly, when the file’s locale is known', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async ({ lines, locale, unit, sep, unitInHeader }) => {
        const text = writeCsv(lines, locale, unit, sep, unitInHeader);
        // The file names no source or capital type: the user names them in the dialog.
        const r = value(await readImport(utf8(text), 'plan.csv', ctx, { locale, defaults: { source: 'central', capital: 'recurrent' } }));
        expect(r.result.lines.map((l) => [l.line.plan, l.line.disbursed, l.invalid])).toEqual(lines.map((l) => [l.plan, l.disbursed, []]));
        const codeOf = new Map(r.result.nodes.map((n) => [n.node.id, n.node.code]));
        expect(r.result.lines.map((l) => codeOf.get(l.line.nodeId))).toEqual(lines.map((l) => l.code));
      }),
      { numRuns: 200 },
    );
  });

  it('never wrongly when it is not: each amount is exact or its column is named for the user to choose', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async ({ lines, locale, unit, sep, unitInHeader }) => {
        const text = writeCsv(lines, locale, unit, sep, unitInHeader);
        const r = value(await readImport(utf8(text), 'plan.csv', ctx));
        r.result.lines.forEach((l, i) => {
          const want = lines[i];
          if (l.invalid.includes('plan')) expect(r.result.ambiguousColumns).toContain(2);
          else expect(l.line.plan).toBe(want.plan);
          if (l.invalid.includes('disbursed')) expect(r.result.ambiguousColumns).toContain(3);
          else expect(l.line.disbursed).toBe(want.disbursed);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('a 50 MB CSV', () => {
  it('parses whole, every amount to the đồng', async () => {
    const units = ['Phòng LĐ-TB&XH-DT', 'Trung tâm Y tế huyện', 'Trung tâm GDNN-GDTX', 'Phòng Văn hoá và Thông tin'];
    const head = 'BIỂU TỔNG HỢP KẾ HOẠCH VỐN NĂM 2023\r\nĐVT: đồng\r\nMã;Nội dung;Đơn vị thực hiện;Nguồn vốn;Kế hoạch vốn;Giải ngân;Ghi chú\r\n';
    const parts: string[] = [head];
    let size = head.length;
    let rows = 0;
    let planSum = 0;
    let disbursedSum = 0;
    while (size < 50 * 1024 * 1024) {
      const plan = 1_000_000 + ((rows * 7919) % 9_000_000_000);
      const disbursed = (plan * 3) % 1_000_000_007;
      const row = `${LEAVES[rows % LEAVES.length]};"Hoạt động số ${rows}; xã Lộc Yên";${units[rows % units.length]};${rows % 5 === 0 ? 'NSĐP' : 'NSTW'};${formatAmount(plan, 'dong', 'vi')};${formatAmount(disbursed, 'dong', 'vi')}đ;Ghi chú dòng ${rows}\r\n`;
      parts.push(row);
      size += row.length;
      planSum += plan;
      disbursedSum += disbursed;
      rows++;
    }
    const bytes = utf8(parts.join(''));
    parts.length = 0;
    expect(bytes.length).toBeGreaterThan(50 * 1024 * 1024);

    const r = value(await readImport(bytes, 'lon.csv', ctx));
    expect(r.result.lines).toHaveLength(rows);
    expect(r.result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    let plans = 0;
    let disbursedTotal = 0;
    let local = 0;
    for (const { line } of r.result.lines) {
      plans += line.plan;
      disbursedTotal += line.disbursed;
      if (line.source === 'local') local++;
    }
    expect(plans).toBe(planSum);
    expect(disbursedTotal).toBe(disbursedSum);
    expect(local).toBe(Math.ceil(rows / 5));
  }, 300_000);
});
