// The headless command, with the same engine the browser's worker runs:
//   planbench allocate RULE.json [--csv]      split an envelope by a rule (JSON or CSV on stdout)
//   planbench convert IN OUT [options]         between a backup (.json), .xlsx and .csv (read by the import; .xls, .ods read too)
//   planbench recalc WORKBOOK.json [options]   the program totals of a backup, as text or --json
//   planbench serve [options]                  the app and the shared-workbook server (serve.ts)
// Problems go to stderr in Vietnamese and English with a non-zero exit code (1 bad input, 2 usage).

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { splitEnvelope, type AllocationResult } from '../domain/allocate';
import { describeProblem } from '../domain/messages';
import type { AmountUnit, CapitalType, Lang, NumberLocale, Problem, Result, Source } from '../domain/model';
import type { ProblemCode } from '../domain/messages';
import { fail, ok } from '../domain/model';
import { archiveBaseline } from '../domain/workbook-archive';
import { readRuleJson } from '../io/rule-json';
import { readBackupBytes } from '../io/backup';
import type { CsvSeparator } from '../io/export-csv';
import { MAX_FILE_BYTES } from '../io/sheet';
import { convertFile } from './convert';
import type { ImportProblem } from '../io/import-types';
import { problemWithMoney } from '../io/import-types';
import { formatAmount } from '../domain/amount';
import { unitName } from '../io/export-table';
import { formatTotals, planTotals } from './recalc';
import { formatReading } from './reading-text';

const USAGE = `Cách dùng / usage:
  planbench allocate RULE.json [--csv]   chia một nguồn vốn theo quy tắc / split an envelope by a rule
  planbench convert IN OUT [--unit U] [--locale vi|en] [--lang vi|en] [--sep comma|semicolon|tab]
                           [--year N] [--sheet NAME|N] [--force]
                           [--source central|local|other] [--capital investment|recurrent]
                                         giữa .json (sao lưu), .xlsx và .csv (đọc cả .xls, .ods)
                                         between .json (backup), .xlsx and .csv (.xls, .ods read too)
  planbench recalc WORKBOOK.json [--json] [--unit U] [--locale vi|en]
                                         các tổng của kế hoạch / the plan's totals
  planbench serve [--port N] [--host ADDR] [--data DIR] [--dist DIR] [--trust-proxy]
                                         ứng dụng và máy chủ dùng chung sổ / the app and the shared-workbook server
                                         (DATABASE_URL: PostgreSQL; không có thì PGlite trong --data, mặc định ./planbench-data)
  planbench serve --create-admin NAME [--province NAME] [--data DIR]
                                         tạo quản trị viên đầu tiên (mật khẩu: PLANBENCH_ADMIN_PASSWORD hoặc stdin)
                                         creates the first administrator (password: PLANBENCH_ADMIN_PASSWORD or stdin)
  U: dong, nghin, trieu (mặc định / default), ty`;

function explain(p: Problem): string {
  return `${describeProblem(p, 'vi')}\n${describeProblem(p, 'en')}`;
}

function toCsv(r: AllocationResult): string {
  const rows = ['id,score,exact,amount,bound'];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (const p of r.parts) rows.push([q(p.id), p.score, p.exact, p.amount, p.bound].join(','));
  for (const res of r.reserved) rows.push([q(res.id), '', '', res.amount, 'reserved'].join(','));
  return rows.join('\n') + '\n';
}

const UNITS: readonly AmountUnit[] = ['dong', 'nghin', 'trieu', 'ty'];
const LOCALES: readonly NumberLocale[] = ['vi', 'en'];
const SEPARATORS: Record<string, CsvSeparator> = { comma: ',', ',': ',', semicolon: ';', ';': ';', tab: '\t' };

interface Options {
  files: string[];
  flags: Set<string>;
  unit: AmountUnit;
  locale: NumberLocale;
  /** Set when --locale was given: the number format of a file being read. */
  importLocale?: NumberLocale;
  /** --sheet: the sheet of a workbook to read, by name or 1-based position. */
  sheet?: string;
  lang: Lang;
  separator?: CsvSeparator;
  year?: number;
  /** --source, --capital: of the money the file being read does not split. */
  defaults?: { source?: Source; capital?: CapitalType };
}

/** Positional arguments and options; null when an option is unknown or its value is not allowed. */
function parseOptions(args: string[], flags: readonly string[]): Options | null {
  const o: Options = { files: [], flags: new Set(), unit: 'trieu', locale: 'vi', lang: 'vi' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      o.files.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2);
    if (flags.includes(name)) {
      o.flags.add(name);
      continue;
    }
    const value = inline ?? args[++i];
    if (name === 'unit' && UNITS.includes(value as AmountUnit)) o.unit = value as AmountUnit;
    else if (name === 'locale' && LOCALES.includes(value as NumberLocale)) o.locale = o.importLocale = value as NumberLocale;
    else if (name === 'lang' && LOCALES.includes(value as Lang)) o.lang = value as Lang;
    else if (name === 'sep' && value in SEPARATORS) o.separator = SEPARATORS[value];
    else if (name === 'year' && /^(?:19|20)\d{2}$/.test(value ?? '')) o.year = Number(value);
    else if (name === 'sheet' && value !== undefined && value !== '') o.sheet = value;
    else if (name === 'source' && ['central', 'local', 'other'].includes(value)) o.defaults = { ...o.defaults, source: value as Source };
    else if (name === 'capital' && ['investment', 'recurrent'].includes(value)) o.defaults = { ...o.defaults, capital: value as CapitalType };
    else return null;
  }
  return o;
}

/** A file's bytes; a file larger than any reader takes (the import's limit) is refused unread. */
function readBytes(file: string, code: ProblemCode = 'file.unreadable'): Result<Uint8Array> {
  try {
    const stat = statSync(file);
    // A device or a pipe (/dev/zero, a FIFO) reports no size and may never end: only files are read.
    if (!stat.isFile()) return fail('file.not-a-file', { file });
    if (stat.size > MAX_FILE_BYTES) return fail('file.too-large', { file, size: Math.ceil(stat.size / 2 ** 20), limit: MAX_FILE_BYTES / 2 ** 20 });
    return ok(readFileSync(file));
  } catch (e) {
    return fail(code, { file, detail: (e as Error).message });
  }
}

function readText(file: string, code?: ProblemCode): Result<string> {
  const bytes = readBytes(file, code);
  return bytes.ok ? ok(new TextDecoder().decode(bytes.value)) : bytes;
}

/** A problem an import found, where it is, in Vietnamese and English. */
/** The option that answers a question the import asks in its dialog. */
const OPTION_FOR: Record<string, string> = {
  'import.source-unsaid': 'dòng lệnh / command line: --source central|local|other',
  'import.capital-unsaid': 'dòng lệnh / command line: --capital investment|recurrent',
  'import.locale-ambiguous': 'dòng lệnh / command line: --locale vi|en',
  'import.sheet-missing': 'dòng lệnh / command line: --sheet NAME|N',
};

function located(p: ImportProblem, unit: AmountUnit, locale: NumberLocale): string {
  const where = [p.sheet, p.cell ?? (p.row === null ? null : `${p.row}`)].filter(Boolean).join('!');
  const raw = p.raw === null ? '' : ` "${p.raw}"`;
  const head = `${p.severity === 'error' ? 'Lỗi / error' : 'Lưu ý / warning'} ${where}${raw}:`;
  const say = (lang: Lang) =>
    describeProblem(
      problemWithMoney(p.problem, (dong) => `${formatAmount(dong, unit, locale)} ${unitName(unit, lang)}`),
      lang,
    );
  const option = OPTION_FOR[p.problem.code];
  const hint = option ? `  → ${option}\n` : '';
  return `${head}\n  ${say('vi')}\n  ${say('en')}\n${hint}`;
}

/** Each command gives the text for stdout, or the problem that stopped it. */
function allocate(o: Options): Result<string> {
  const input = readText(o.files[0], 'rule.unreadable');
  if (!input.ok) return input;
  const rule = readRuleJson(input.value);
  if (!rule.ok) return rule;
  const result = splitEnvelope(rule.value);
  if (!result.ok) return result;
  return ok(o.flags.has('csv') ? toCsv(result.value) : JSON.stringify(result.value, null, 2) + '\n');
}

async function convert(o: Options, note: (s: string) => void): Promise<Result<string>> {
  const [inFile, outFile] = o.files;
  const input = readBytes(inFile);
  if (!input.ok) return input;
  const converted = await convertFile(input.value, inFile, outFile, { ...o, force: o.flags.has('force') });
  if (!converted.ok) return converted;
  const { bytes, problems, reading } = converted.value;
  for (const p of problems) note(located(p, o.unit, o.locale));
  if (reading) note(formatReading(reading, o.unit, o.locale));
  if (bytes === null) return fail('convert.import-problems', { count: problems.filter((p) => p.severity === 'error').length });
  try {
    writeFileSync(outFile, bytes);
  } catch (e) {
    return fail('file.unwritable', { file: outFile, detail: (e as Error).message });
  }
  return ok(`${outFile}\n`);
}

function recalc(o: Options): Result<string> {
  const input = readBytes(o.files[0]);
  if (!input.ok) return input;
  const archive = readBackupBytes(input.value);
  if (!archive.ok) return archive;
  const totals = planTotals(archiveBaseline(archive.value));
  return ok(o.flags.has('json') ? JSON.stringify(totals, null, 2) + '\n' : formatTotals(totals, o.unit, o.locale));
}

const COMMANDS: Record<string, { files: number; flags: string[]; run: (o: Options, note: (s: string) => void) => Result<string> | Promise<Result<string>> }> = {
  allocate: { files: 1, flags: ['csv'], run: allocate },
  convert: { files: 2, flags: ['force'], run: convert },
  recalc: { files: 1, flags: ['json'], run: recalc },
};

/** Runs the command line; resolves to the exit code (0 ok, 1 bad input or failure, 2 usage). */
export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'serve') {
    // Loaded only here: the other commands never start the server's packages.
    const { serve } = await import('./serve');
    const code = await serve(args, process.env, out, err);
    if (code === 2) err(USAGE + '\n');
    return code;
  }
  const command = Object.hasOwn(COMMANDS, name ?? '') ? COMMANDS[name] : undefined;
  const o = command ? parseOptions(args, command.flags) : null;
  if (!command || o === null || o.files.length !== command.files) {
    err(USAGE + '\n');
    return 2;
  }
  const r = await command.run(o, err);
  if (!r.ok) {
    err(explain(r.error) + '\n');
    return 1;
  }
  out(r.value);
  return 0;
}

process.exitCode = await run(
  process.argv.slice(2),
  (s) => process.stdout.write(s),
  (s) => process.stderr.write(s),
);
