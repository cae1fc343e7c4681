// `planbench convert IN OUT`: between a workbook backup (.json), a spreadsheet (.xlsx; .xlsm, .xls
// and .ods read only) and CSV (.csv, .tsv, .txt). A backup exports its baseline plan with the tables
// the app exports, or is checked and written again. A spreadsheet or CSV is read by the app's import (io/import-plan.ts:
// the table found in a report sheet, columns guessed from their headers) into a new workbook with
// the program's tree, which is then written as a backup, a sheet or CSV.

import type { AmountUnit, CapitalType, Lang, NumberLocale, Result, Source, StatedFigures, TreeNode, WorkbookData } from '../domain/model';
import { fail, ok } from '../domain/model';
import { buildEmptyWorkbook } from '../domain/demo';
import { archiveBaseline, type WorkbookArchive } from '../domain/workbook-archive';
import { readBackupBytes, writeBackup } from '../io/backup';
import { exportPlanCsv, type CsvSeparator } from '../io/export-csv';
import { exportPlanXlsx } from '../io/export-xlsx';
import { planViewOf } from '../io/export-plan';
import { readImport, type ImportPlan, type ImportReading } from '../io/import-plan';
import type { ImportProblem } from '../io/import-types';

export type FileKind = 'json' | 'xlsx' | 'csv' | 'tsv' | 'xls' | 'ods';

const EXTENSIONS: Record<string, FileKind> = { json: 'json', xlsx: 'xlsx', xlsm: 'xlsx', csv: 'csv', tsv: 'tsv', txt: 'tsv', xls: 'xls', ods: 'ods' };
/** Kinds read, never written. */
const READ_ONLY: ReadonlySet<FileKind> = new Set(['xls', 'ods']);

/** The kind of file a name says, from its extension; null when not one we convert. */
export function fileKind(name: string): FileKind | null {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return Object.hasOwn(EXTENSIONS, ext) ? EXTENSIONS[ext] : null;
}

export interface ConvertOptions {
  unit: AmountUnit;
  locale: NumberLocale;
  lang: Lang;
  /** CSV separator; default ';' with vi numbers (whose decimal mark is ','), ',' with en. */
  separator?: CsvSeparator;
  /** Reading a spreadsheet or CSV: its number format when the user named one (else found from the file). */
  importLocale?: NumberLocale;
  /** Reading a spreadsheet or CSV: the plan year (else the first year its titles or headers name). */
  year?: number;
  /** Write even when some cells of the input could not be read (they are left empty). */
  force?: boolean;
  /** Reading a workbook: the sheet to read, by name or 1-based position (else the one with money). */
  sheet?: string;
  /** Reading a spreadsheet or CSV: the source and capital type of money the file does not split. */
  defaults?: { source?: Source; capital?: CapitalType };
}

/** What a conversion wrote, and what the import found in the input (listed for the user). */
export interface Converted {
  /** null when cells of the input could not be read (an ambiguous number format among them) and
   * `force` is off: nothing should be written. */
  bytes: Uint8Array | null;
  problems: ImportProblem[];
  /** How a spreadsheet or CSV was read (its sheets, its reconciliation); absent for a backup. */
  reading?: ImportReading;
}

/** The bytes of OUT from the bytes of IN. Fails with the backup's or the import's problem, or with
 * convert.unsupported for another kind of file. */
export async function convertFile(input: Uint8Array, inName: string, outName: string, opts: ConvertOptions): Promise<Result<Converted>> {
  const from = fileKind(inName);
  const to = fileKind(outName);
  if (from === null) return fail('convert.unsupported', { file: inName });
  if (to === null || READ_ONLY.has(to)) return fail('convert.unsupported', { file: outName });
  let archive: WorkbookArchive;
  let problems: ImportProblem[] = [];
  let reading: ImportReading | undefined;
  if (from === 'json') {
    const read = readBackupBytes(input);
    if (!read.ok) return read;
    archive = read.value;
  } else {
    const imported = await importFile(input, inName, opts);
    if (!imported.ok) return imported;
    ({ archive, problems } = imported.value);
    reading = imported.value.reading;
    if (!opts.force && problems.some((p) => p.severity === 'error')) return ok({ bytes: null, problems, reading });
  }
  return ok({ bytes: await write(archive, to, opts), problems, ...(reading ? { reading } : {}) });
}

async function write(archive: WorkbookArchive, to: FileKind, opts: ConvertOptions): Promise<Uint8Array> {
  if (to === 'json') return new TextEncoder().encode(writeBackup(archive));
  const view = planViewOf(archiveBaseline(archive));
  const settings = { unit: opts.unit, locale: opts.locale, lang: opts.lang };
  if (to === 'xlsx') return exportPlanXlsx(view, settings);
  const separator = to === 'tsv' ? '\t' : opts.separator;
  return exportPlanCsv(view, { ...settings, separator });
}

const YEAR_WORDS = /\b(?:năm|year|nam)\s+((?:19|20)\d{2})\b/iu;

/** A spreadsheet or CSV read by the app's import into a new workbook named after the file. */
async function importFile(
  bytes: Uint8Array,
  fileName: string,
  opts: ConvertOptions,
): Promise<Result<{ archive: WorkbookArchive; problems: ImportProblem[]; reading: ImportReading }>> {
  const name = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const read = async (year: number) => {
    const base = buildEmptyWorkbook(name, year);
    const reading = await readImport(
      bytes,
      fileName,
      { workbookId: base.workbook.id, year, nodes: base.nodes },
      { locale: opts.importLocale, sheet: opts.sheet, defaults: opts.defaults },
    );
    return reading.ok ? ok({ base, reading: reading.value }) : reading;
  };
  let first = await read(opts.year ?? new Date().getFullYear());
  if (!first.ok) return first;
  // The plan year decides the vintage of money the file does not date: read again with the year
  // the table names ("Kế hoạch vốn năm 2023") when the user gave none.
  const named = Number(YEAR_WORDS.exec([...first.value.reading.table.titles, ...first.value.reading.table.headers].join(' '))?.[1]);
  if (opts.year === undefined && named && named !== first.value.base.workbook.year) {
    first = await read(named);
    if (!first.ok) return first;
  }
  const { base, reading } = first.value;
  const data = workbookFromImport(base, reading.result, fileName);
  return ok({ archive: { ...data, places: [], rules: [], scenarios: data.scenarios.map((s) => ({ ...s, lines: data.lines })) }, problems: reading.result.problems, reading });
}

/** A new workbook holding what an import read: the program's tree with the items the file added,
 * the stated figures of its group and total rows, and its lines as the baseline. */
function workbookFromImport(base: WorkbookData, plan: ImportPlan, fileName: string): WorkbookData {
  const stated = new Map<string, StatedFigures>();
  const addTo = (id: string, figures: StatedFigures) => stated.set(id, { ...(stated.get(id) ?? {}), ...figures });
  for (const n of plan.nodes) if (n.stated) addTo(n.node.id, n.stated);
  let table: StatedFigures = {};
  for (const t of plan.totals) {
    if (t.scope === 'group' && t.nodeId) addTo(t.nodeId, t.figures);
    else if (t.scope === 'table') table = { ...table, ...t.figures };
  }
  const known = new Set(base.nodes.map((n) => n.id));
  const added: TreeNode[] = plan.nodes.filter((n) => n.status === 'new' && !known.has(n.node.id)).map((n) => n.node);
  const nodes = [...base.nodes, ...added].map((n) => (stated.has(n.id) ? { ...n, stated: { ...(n.stated ?? {}), ...stated.get(n.id) } } : n));
  const wb = base.workbook;
  return {
    ...base,
    workbook: {
      ...wb,
      note: `Nhập từ tệp ${fileName.replace(/^.*[\\/]/, '')} / imported from the file.`,
      stated: Object.keys(table).length ? [{ year: wb.year, figures: table, note: fileName.replace(/^.*[\\/]/, '') }] : [],
    },
    nodes,
    lines: plan.lines.map((l) => l.line),
  };
}
