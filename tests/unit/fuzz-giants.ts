// Files of the fuzzing corpus too large to commit, made in memory when asked for: read by
// tests/unit/import-fuzz.test.ts and measured by tests/bench/fuzz.bench-run.ts.

import { readFileSync } from 'node:fs';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { MAX_BACKUP_CHARS, writeBackup } from '../../src/io/backup';
import { MAX_FILE_BYTES } from '../../src/io/sheet';
import { utf8 } from './import-helpers';

const row = (cells: string[]) => cells.join(';') + '\r\n';
const HEADER = row(['STT', 'Nội dung', 'Kế hoạch vốn', 'Giải ngân']);
const wideRow = (first: string) => `${first};${'Kế hoạch vốn;'.repeat(999_999)}\r\n`;
const demoBackup = () => readFileSync(new URL('../fixtures/fuzz/backup-valid.json', import.meta.url), 'utf8');

/** The lines of the generated workbook whose backup passes 60 MB. */
export const BACKUP_60MB_LINES = 135_000;

/** Each file's bytes by its name (the extension says how the importers take it). */
export const GIANT_FILES: Record<string, () => Uint8Array> = {
  /** One row of 10^6 columns. */
  'wide-row.csv': () => utf8('x,'.repeat(1_000_000) + 'x\n'),
  /** A header and three rows of 10^6 columns, each row longer than the sample the separator is read from. */
  'wide-table.csv': () => utf8(wideRow('STT') + wideRow('1') + wideRow('2') + wideRow('3')),
  /** 1 MB of text in a name, 1 MB of digits in an amount, 1 MB of quotes and separators in a quoted cell. */
  'huge-cells.csv': () => utf8(HEADER + row(['1', 'Đ'.repeat(2 ** 20), '9'.repeat(2 ** 20), '1']) + row(['2', `"${'"";'.repeat(2 ** 18)}"`, '5', '1'])),
  /** 2 000 000 line breaks and nothing else. */
  'line-breaks.csv': () => utf8('\n'.repeat(2_000_000)),
  /** A header and 1 048 576 rows: one row past a spreadsheet's grid. */
  'rows-past-grid.csv': () => utf8(HEADER + '1;Dự án 2;5;1\r\n'.repeat(1_048_576)),
  /** One byte past the size an import reads. */
  'past-size-limit.csv': () => new Uint8Array(MAX_FILE_BYTES + 1),
  /** A backup of a generated workbook past 60 MB. */
  'backup-60mb.json': () => {
    const data = buildGeneratedWorkbook(BACKUP_60MB_LINES);
    const lines = data.lines;
    return utf8(writeBackup({ workbook: data.workbook, nodes: data.nodes, places: [], rules: [], scenarios: data.scenarios.map((s) => ({ ...s, lines })) }));
  },
  /** The demo backup with 60 MB of numbers where the workbook's name belongs. */
  'backup-60mb-bad-value.json': () => utf8(demoBackup().replace('"name": "Cao Lộc 2023"', `"name": [${'1,'.repeat(30 * 2 ** 20)}1]`)),
  /** The demo backup after 100 MB of spaces: one byte past the size a restore reads. */
  'backup-past-size-limit.json': () => utf8(' '.repeat(MAX_BACKUP_CHARS + 1 - utf8(demoBackup()).length) + demoBackup()),
};
