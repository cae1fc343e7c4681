// Node: exporting a generated 100 000-line plan (the grid's 16 columns, 18 items with SUM formulas)
// to .xlsx and CSV, and a whole-workbook backup written and read back. The app runs the same code.
import { it } from 'vitest';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { planTable, planViewOf } from '../../src/io/export-plan';
import { writeTableXlsx } from '../../src/io/export-xlsx';
import { writeTableCsv } from '../../src/io/export-csv';
import { readBackup, writeBackup } from '../../src/io/backup';
import { median, report } from './stats';

const time = async (runs: number, f: () => unknown): Promise<number> => {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return median(ms);
};

it('export of 100 000 lines (Node)', async () => {
  const data = buildGeneratedWorkbook(100_000);
  const settings = { unit: 'trieu', locale: 'vi', lang: 'vi' } as const;
  let xlsxBytes = 0;
  let csvBytes = 0;
  const viewMs = await time(5, () => planViewOf(data));
  const view = planViewOf(data);
  const tableMs = await time(5, () => planTable(view, settings));
  // From the plan to the file's bytes, as the app's export does it.
  const xlsxMs = await time(5, async () => (xlsxBytes = (await writeTableXlsx(planTable(view, settings), settings)).length));
  const csvMs = await time(5, () => (csvBytes = writeTableCsv(planTable(view, settings), { separator: ';', locale: 'vi' }).length));
  const archive = { workbook: data.workbook, nodes: data.nodes, places: [], rules: [], scenarios: data.scenarios.map((s) => ({ ...s, lines: data.lines })) };
  let text = '';
  const backupMs = await time(5, () => (text = writeBackup(archive)));
  const restoreMs = await time(5, () => readBackup(text));
  report('Export, 100 000 lines, Node', [
    ['order and roll up the plan (planViewOf)', viewMs, 'ms'],
    ['build the table (rows, formulas)', tableMs, 'ms'],
    ['export to .xlsx (table + sheet XML + zip)', xlsxMs, 'ms', '≤ 5 000 ms'],
    ['.xlsx size', xlsxBytes / 2 ** 20, 'MiB'],
    ['export to CSV (table + text)', csvMs, 'ms'],
    ['CSV size', csvBytes / 2 ** 20, 'MiB'],
    ['write the JSON backup', backupMs, 'ms'],
    ['read and check the JSON backup', restoreMs, 'ms'],
    ['backup size', text.length / 2 ** 20, 'MiB'],
  ]);
});
