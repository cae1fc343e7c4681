// Node: the workbook readers, before and after. The same 100 000-line plan as the app exports it
// (.xlsx) read into the import's rows by exceljs (the reader the import used until December 2026),
// by SheetJS (its reader for .xlsx until the fast reader, and still for .xls and .ods) and by the
// fast reader (the import's readSheets now, src/io/xlsx-read.ts), checks included, each reading in
// a process of its own (tests/bench/import-reader-case.ts, built here) so that its peak memory is
// its own; then the same table as .ods and as .xls (BIFF8 holds 65 536 rows a sheet: two sheets of
// 50 000 rows) read by SheetJS. Three readings each, medians of the time, the largest peak.
// BENCHMARKS.md copies these.

import { it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import * as XLSX from '@e965/xlsx';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { exportPlanXlsx } from '../../src/io/export-xlsx';
import { median, report } from './stats';

const RUNS = 3;
const LINES = 100_000;

interface Reading {
  ms: number;
  maxRssMiB: number;
  startMiB: number;
  rows: number;
  cells: number;
  /** The reading in steps: the checks, SheetJS's parse (none for the fast reader), the rows (and formulas). */
  phases: { checkMs: number; parseMs: number | null; rowsMs: number } | null;
}

/** The same table as another workbook kind, written by SheetJS: one sheet, or sheets of `perSheet` rows. */
function rewrite(xlsx: Uint8Array, bookType: 'ods' | 'biff8', perSheet = Infinity): Uint8Array {
  const source = XLSX.read(xlsx, { type: 'array', dense: true });
  const rows = XLSX.utils.sheet_to_json<unknown[]>(source.Sheets[source.SheetNames[0]], { header: 1, raw: true, blankrows: true });
  const out = XLSX.utils.book_new();
  for (let at = 0, n = 1; at < rows.length; at += perSheet, n++) {
    XLSX.utils.book_append_sheet(out, XLSX.utils.aoa_to_sheet(rows.slice(at, at + perSheet)), `Biểu ${n}`);
  }
  return new Uint8Array(XLSX.write(out, { type: 'array', bookType, compression: true }));
}

it('workbook readers on a 100 000-line plan: exceljs, SheetJS and the fast reader, time and peak memory, a process each (Node)', async () => {
  // Inside node_modules, so that the built case finds exceljs and SheetJS as Node resolves them.
  const out = fileURLToPath(new URL('../../node_modules/.cache/planbench-reader-bench/', import.meta.url));
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: fileURLToPath(new URL('import-reader-case.ts', import.meta.url)),
      outDir: out,
      emptyOutDir: true,
      target: 'node20',
      rollupOptions: { output: { format: 'es', entryFileNames: 'import-reader-case.mjs' } },
    },
  });

  const dir = mkdtempSync(join(tmpdir(), 'planbench-reader-'));
  try {
    const xlsx = await exportPlanXlsx(buildGeneratedWorkbook(LINES));
    const files: Record<string, Uint8Array> = {
      'plan.xlsx': xlsx,
      'plan.ods': rewrite(xlsx, 'ods'),
      'plan.xls': rewrite(xlsx, 'biff8', 50_000),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);

    const readings = (reader: 'exceljs' | 'sheetjs' | 'fast', name: string): Reading[] =>
      Array.from({ length: RUNS }, () => {
        const run = spawnSync(process.execPath, [join(out, 'import-reader-case.mjs'), reader, join(dir, name)], { encoding: 'utf8', timeout: 300_000, maxBuffer: 2 ** 20 });
        if (run.status !== 0) throw new Error(`${reader} ${name}: exit ${run.status ?? run.signal}\n${run.stderr.slice(0, 500)}`);
        return JSON.parse(run.stdout) as Reading;
      });
    const cases = [
      ['exceljs', 'plan.xlsx'],
      ['sheetjs', 'plan.xlsx'],
      ['fast', 'plan.xlsx'],
      ['sheetjs', 'plan.ods'],
      ['sheetjs', 'plan.xls'],
    ] as const;
    const results = cases.map(([reader, name]) => ({ reader, name, runs: readings(reader, name) }));

    const mib = (n: number) => n / 2 ** 20;
    const rowsOf = (r: (typeof results)[number]) => `${r.runs[0].rows} rows, ${r.runs[0].cells} cells`;
    report(`Workbook readers: a ${LINES.toLocaleString('en')}-line plan read into the import's rows, a process per reading (${RUNS} each)`, [
      [
        "files: .xlsx (the app's export) / .ods / .xls (two sheets), MiB",
        `${mib(files['plan.xlsx'].length).toFixed(1)} / ${mib(files['plan.ods'].length).toFixed(1)} / ${mib(files['plan.xls'].length).toFixed(1)}`,
        'MiB',
      ],
      ...results.flatMap((r): [string, number | string, string][] => [
        [`${r.reader} ${r.name}: time to rows (${rowsOf(r)})`, median(r.runs.map((x) => x.ms)), 'ms'],
        ...(r.runs[0].phases
          ? r.runs[0].phases.parseMs === null
            ? [
                [
                  `${r.reader} ${r.name}: of which check / read to rows`,
                  (['checkMs', 'rowsMs'] as const).map((k) => median(r.runs.map((x) => x.phases![k])).toFixed(0)).join(' / '),
                  'ms',
                ] as [string, string, string],
              ]
            : [
                [
                  `${r.reader} ${r.name}: of which check / SheetJS parse / to rows`,
                  (['checkMs', 'parseMs', 'rowsMs'] as const).map((k) => median(r.runs.map((x) => x.phases![k] ?? 0)).toFixed(0)).join(' / '),
                  'ms',
                ] as [string, string, string],
              ]
          : []),
        [`${r.reader} ${r.name}: peak resident memory of the process`, Math.max(...r.runs.map((x) => x.maxRssMiB)), 'MiB'],
        [`${r.reader} ${r.name}: of which before the reading (Node, modules, the file)`, median(r.runs.map((x) => x.startMiB)), 'MiB'],
      ]),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
