import { describe, expect, it } from 'vitest';
import { FIELD_LABELS, previewText, problemPlace, problemText, roleDetails, withField } from '../../src/ui/import/import-text';
import { IMPORT_FIELDS, type ColumnRole } from '../../src/io/column-map';
import type { AmountUnit, Lang } from '../../src/domain/model';
import { cellProblem, fileProblem } from '../../src/io/import-types';

const vi = { unit: 'trieu', locale: 'vi', lang: 'vi' } as const;
const en = { unit: 'nghin', locale: 'en', lang: 'en' } as const;

describe('the import dialog’s words', () => {
  it('names every field in both languages', () => {
    for (const f of IMPORT_FIELDS) {
      expect(FIELD_LABELS[f].vi.length).toBeGreaterThan(2);
      expect(FIELD_LABELS[f].en).not.toBe(FIELD_LABELS[f].vi);
    }
  });

  it.each<[ColumnRole, AmountUnit | null, Lang, string]>([
    [{ field: 'plan', source: 'central', vintage: 2023 }, 'trieu', 'vi', 'NSTW · vốn 2023 · triệu đồng'],
    [{ field: 'disbursed', asOf: '2023-11-15' }, null, 'vi', 'đến 15/11/2023'],
    [{ field: 'plan', carriedIn: true, capital: 'investment' }, 'ty', 'en', 'Investment · carried in · billion đồng'],
    [{ field: 'name' }, 'trieu', 'vi', ''],
  ])('roleDetails(%j, %s, %s) = %s', (role, unit, lang, want) => {
    expect(roleDetails(role, unit, lang)).toBe(want);
  });

  it('keeps an amount column’s split when it changes to another amount, and only then', () => {
    expect(withField({ field: 'plan', source: 'local', unit: 'trieu' }, 'statedPlan')).toEqual({ field: 'statedPlan', source: 'local', unit: 'trieu' });
    expect(withField({ field: 'plan', source: 'local' }, 'label')).toEqual({ field: 'label' });
  });

  it.each([
    [{ raw: '77,04', value: 77_040_000, problem: null }, 'disbursed', vi, '77,04'],
    [{ raw: '77,04', value: 77_040_000, problem: null }, 'plan', en, '77,040'],
    [{ raw: '80%', value: 80, problem: null }, 'expectedRate', vi, '80,00 %'],
    [{ raw: 'NSTW', value: 'central', problem: null }, 'source', en, 'Central'],
    [{ raw: 'Sự nghiệp', value: 'recurrent', problem: null }, 'capital', vi, 'Sự nghiệp'],
    [{ raw: '15/11/2023', value: '2023-11-15', problem: null }, 'asOf', vi, '15/11/2023'],
    [{ raw: null, value: null, problem: null }, 'plan', vi, ''],
  ] as const)('previewText(%j, %s, %j) = %s', (cell, field, view, want) => {
    expect(previewText(cell, field, view)).toBe(want);
  });

  it('says where a problem is: a cell, a column, a sheet or the file', () => {
    const cell = cellProblem('Biểu 01', 8, 3, 'không rõ', { code: 'amount.not-a-number', params: { text: 'không rõ' } });
    expect(problemPlace(cell, 'vi')).toBe('Trang Biểu 01, dòng 9, ô D9');
    expect(problemText(cell, 'en')).toMatch(/^Sheet Biểu 01, row 9, cell D9 "không rõ": /);
    expect(problemPlace(fileProblem({ code: 'import.unit-assumed' }, 'warning', 'Biểu 01', 8), 'vi')).toBe('Trang Biểu 01, cột I');
    expect(problemPlace(fileProblem({ code: 'import.empty-file', params: { file: 'x' } }), 'en')).toBe('Whole file');
  });

  it('names a sheet exactly as the file does, "$" signs included', () => {
    for (const sheet of ['KH $&', "Chi $' $`", 'Vốn $$ 2023']) {
      const cell = cellProblem(sheet, 0, 0, null, { code: 'amount.not-a-number', params: { text: 'x' } });
      expect(problemPlace(cell, 'vi')).toBe(`Trang ${sheet}, dòng 1, ô A1`);
      expect(problemPlace(cell, 'en')).toBe(`Sheet ${sheet}, row 1, cell A1`);
    }
  });
});
