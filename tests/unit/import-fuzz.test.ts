// The fuzzing corpus (tests/fixtures/fuzz, written by make-corpus.mjs) and files too large to
// commit, made here in memory, through every importer: readSheets and readImport, readBackup for
// JSON, and the conversion `planbench convert` runs. Each ends in a Result, read (its problems
// listed) or refused with a problem, and every problem has a sentence in Vietnamese and English;
// none throws, and none changes the workbook's tree it is given. Each case has a generous time
// limit; durations are measured by tests/bench/fuzz.bench-run.ts, not asserted here.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEmptyWorkbook } from '../../src/domain/demo';
import { MESSAGES, describeProblem } from '../../src/domain/messages';
import type { Lang, Problem, Result, TreeNode } from '../../src/domain/model';
import type { WorkbookArchive } from '../../src/domain/workbook-archive';
import { MAX_BACKUP_CHARS, readBackup, readBackupBytes } from '../../src/io/backup';
import { readImport } from '../../src/io/import-plan';
import { readSheets } from '../../src/io/sheet';
import { convertFile } from '../../src/cli/convert';
import { BACKUP_60MB_LINES, GIANT_FILES } from './fuzz-giants';

const CORPUS = new URL('../fixtures/fuzz/', import.meta.url);
/** A guard against a reading that never ends, not a speed target: a slow machine must not fail
 * these tests (how fast each file is refused is `tests/bench/fuzz.bench-run.ts`'s to say). */
const TIME_LIMIT = 240_000;
const LANGS: Lang[] = ['vi', 'en'];

/** What each corpus file reads to: readImport's outcome ('ok' or the problem's code) and problem
 * codes an ok reading must list; for a backup, readBackup's outcome. */
const EXPECTED: Record<string, string | { ok: string[] }> = {
  'backup-amount-1e400.json': 'backup.bad-amount',
  'backup-amount-huge-digits.json': 'backup.bad-amount',
  'backup-amount-infinity-text.json': 'backup.bad-amount',
  'backup-amount-nan.json': 'backup.not-json',
  'backup-amount-negative-zero.json': 'ok',
  'backup-array.json': 'backup.not-backup',
  'backup-bad-link.json': 'backup.bad-link',
  'backup-constructor-number.json': 'ok',
  'backup-constructor-prototype.json': 'backup.unsafe-key',
  'backup-date-feb-30.json': 'backup.bad-value',
  'backup-date-month-13.json': 'backup.bad-value',
  'backup-date-year-99999.json': 'backup.bad-value',
  'backup-deep-nesting-bad-value.json': 'backup.too-deep',
  'backup-deep-nesting-unknown-field.json': 'backup.too-deep',
  'backup-duplicate-ids.json': 'backup.bad-link',
  'backup-duplicate-keys.json': 'backup.not-backup',
  'backup-empty.json': 'backup.not-json',
  'backup-newer-version.json': 'backup.newer-version',
  'backup-not-a-backup.json': 'backup.not-backup',
  'backup-null.json': 'backup.not-backup',
  'backup-proto-escaped.json': 'backup.unsafe-key',
  'backup-proto-in-node.json': 'backup.unsafe-key',
  'backup-proto-root.json': 'backup.unsafe-key',
  'backup-truncated.json': 'backup.not-json',
  'backup-utf16le.json': 'backup.not-json',
  'backup-valid.json': 'ok',
  'backup-version-1e400.json': 'backup.bad-value',
  'csv-bom-then-binary.csv': 'import.unsupported-file',
  'csv-codes-cycle.csv': 'ok',
  'csv-control-chars.csv': 'import.unsupported-file',
  'csv-dates-out-of-range.csv': { ok: ['date.invalid'] },
  'csv-deep-numbering.csv': 'ok',
  // Two columns alike and nothing in the file to choose between them: the first is read, and said so.
  'csv-duplicate-columns.csv': { ok: ['import.column-chosen-first'] },
  'csv-formula-injection.csv': { ok: ['amount.not-a-number'] },
  'csv-invalid-utf8.csv': { ok: ['import.legacy-encoding'] },
  'csv-markup.csv': 'ok',
  'csv-mixed-line-breaks.csv': 'ok',
  'csv-mixed-separators.csv': 'ok',
  'csv-nul-after-4kb.csv': 'ok',
  'csv-nul-bytes.csv': 'import.unsupported-file',
  'csv-numbers-extreme.csv': { ok: ['amount.not-a-number', 'amount.too-large', 'amount.too-precise'] },
  'csv-only-line-breaks.csv': 'import.empty-sheet',
  // Nothing but separators: whichever separator is taken, no row holds data.
  'csv-only-separators.csv': 'import.no-data',
  'csv-quote-storm.csv': 'import.no-data',
  'csv-unterminated-quote.csv': { ok: ['import.unclosed-quote'] },
  'csv-utf16be-no-bom.csv': 'ok',
  'csv-utf16le-no-bom.csv': 'ok',
  'csv-utf16le-odd-length.csv': 'ok',
  'csv-valid.csv': 'ok',
  // An OLE signature over random bytes: no compound file at all (an .xls is read now).
  'ole-compound.xls': 'import.xlsx-damaged',
  'ole-renamed.xlsx': 'import.xlsx-damaged',
  'ods-encrypted-manifest.ods': 'import.encrypted',
  'ods-formula-without-value.ods': { ok: ['import.formulas-computed'] },
  'ods-repeat-billion-cells.ods': 'import.too-many-cells',
  'ods-spaces-billion.ods': 'import.xlsx-too-large',
  'ods-valid.ods': 'ok',
  'ole-encrypted-package.xlsx': 'import.encrypted',
  'ole-sector-cycle.xls': 'import.xlsx-damaged',
  'ole-word-document.doc': 'import.word-document',
  'pdf-renamed.xlsx': 'import.unsupported-file',
  'png-renamed.csv': 'import.unsupported-file',
  'png-renamed.xlsx': 'import.unsupported-file',
  'random-bytes.csv': 'import.unsupported-file',
  'random-bytes.xlsx': 'import.unsupported-file',
  'tsv-title-only.tsv': 'import.no-data',
  'txt-one-long-line.txt': 'import.no-data',
  'xls-hyperlink-whole-sheet.xls': 'import.ranges-too-large',
  'xls-truncated-50pct.xls': 'import.xlsx-damaged',
  'xls-valid.xls': 'ok',
  'xlsx-billion-laughs-shared-strings.xlsx': 'import.xlsx-damaged',
  'xlsx-billion-laughs-sheet.xlsx': 'import.xlsx-damaged',
  'xlsx-cell-1mb-text.xlsx': { ok: ['import.cell-too-long'] },
  'xlsx-cell-column-past-xfd.xlsx': 'import.too-many-columns',
  'xlsx-cell-last-row.xlsx': 'ok',
  'xlsx-col-max-huge.xlsx': 'import.too-many-columns',
  'xlsx-deep-nesting.xlsx': 'ok',
  'xlsx-dimension-whole-sheet.xlsx': 'ok',
  // SheetJS keeps a name's or a validation's range as text: harmless, read.
  'xlsx-defined-name-whole-sheet.xlsx': 'ok',
  'xlsx-formula-error-values.xlsx': { ok: ['amount.not-a-number'] },
  // SUM(…)*1 over the column: computed from the sheet, with the warning that says so.
  'xlsx-formulas-without-values.xlsx': { ok: ['import.formulas-computed'] },
  'xlsx-hyperlink-whole-sheet.xlsx': 'import.ranges-too-large',
  'xlsx-merge-entity-encoded.xlsx': 'import.merges-too-large',
  'xlsx-merge-million-cells.xlsx': 'import.merges-too-large',
  'xlsx-merge-whole-sheet.xlsx': 'import.merges-too-large',
  'xlsx-merges-6000.xlsx': 'import.too-many-merges',
  'xlsx-merges-overlapping.xlsx': 'import.xlsx-damaged',
  // Excel and SheetJS both refuse a package without its content types.
  'xlsx-no-content-types.xlsx': 'import.xlsx-damaged',
  'xlsx-print-area-whole-sheet.xlsx': 'ok',
  'xlsx-row-number-huge.xlsx': 'import.too-many-rows',
  // A cell naming a shared string the file does not have: SheetJS cannot place the sheet.
  'xlsx-shared-string-missing.xlsx': 'import.xlsx-damaged',
  'xlsx-stored-entries.xlsx': 'ok',
  'xlsx-truncated-100b.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-10pct.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-1b.xlsx': 'import.no-data',
  'xlsx-truncated-25pct.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-30b.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-50pct.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-75pct.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-90pct.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-99pct.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-end-1.xlsx': 'import.xlsx-damaged',
  'xlsx-truncated-end-22.xlsx': 'import.xlsx-damaged',
  'xlsx-valid.xlsx': 'ok',
  'xlsx-validation-whole-sheet.xlsx': 'ok',
  'xlsx-wrong-content-types.xlsx': 'ok',
  'xlsx-xxe-file.xlsx': 'import.xlsx-damaged',
  'xlsx-xxe-http-dtd.xlsx': 'ok',
  'xlsx-xxe-parameter-entity.xlsx': 'ok',
  'xlsx-zip64-sizes.xlsx': 'ok',
  'zeros-4kb.csv': 'import.unsupported-file',
  'zip-bad-deflate.xlsx': 'import.xlsx-damaged',
  'zip-bomb-declared-5gb.xlsx': 'import.xlsx-part-too-large',
  'zip-bomb-lying-size.xlsx': 'import.xlsx-damaged',
  'zip-bomb-many-parts.xlsx': 'import.xlsx-too-large',
  'zip-bomb-one-part.xlsx': 'import.xlsx-part-too-large',
  'zip-docx-renamed.xlsx': 'import.word-document',
  'zip-empty.xlsx': 'import.xlsx-damaged',
  'zip-encrypted-flag.xlsx': 'import.encrypted',
  'zip-junk-entries.xlsx': 'import.xlsx-damaged',
  'zip-signature-only.csv': 'import.xlsx-damaged',
  'zip-unknown-method.xlsx': 'import.xlsx-damaged',
};

const corpus = readdirSync(CORPUS)
  .filter((f) => f !== 'make-corpus.mjs')
  .sort();

/** The problem has a sentence of its own in both languages, every placeholder filled. */
function expectSentences(p: Problem): void {
  expect(Object.hasOwn(MESSAGES, p.code), `${p.code} has no sentences`).toBe(true);
  for (const lang of LANGS) {
    const sentence = describeProblem(p, lang);
    expect(sentence).not.toMatch(/mã lỗi|error code/);
    expect(sentence, `${p.code} in ${lang}`).not.toMatch(/\{\w+\}/);
  }
}

/** The workbook's tree as an import receives it, frozen: a write to it would throw. */
function frozenTree(): { nodes: readonly TreeNode[]; copy: TreeNode[] } {
  const nodes = buildEmptyWorkbook('Fuzz', 2023).nodes;
  const copy = structuredClone(nodes);
  for (const n of nodes) Object.freeze(n);
  return { nodes: Object.freeze(nodes), copy };
}

/** The outcome of a Result as EXPECTED names it; the problems it carries checked for sentences. */
function outcome<T>(r: Result<T>, problems: (v: T) => Problem[] = () => []): string {
  if (!r.ok) {
    expectSentences(r.error);
    return r.error.code;
  }
  for (const p of problems(r.value)) expectSentences(p);
  return 'ok';
}

/** Reads the bytes through readSheets and readImport (a failed readSheets fails readImport the
 * same way) and checks the tree is untouched; the outcome and the problem codes of an ok reading. */
async function readEverywhere(bytes: Uint8Array, name: string): Promise<{ code: string; codes: Set<string> }> {
  const { nodes, copy } = frozenTree();
  const sheets = await readSheets(bytes, name);
  const sheetsCode = outcome(sheets, (v) => v.notes.map((n) => n.problem));
  const read = await readImport(bytes, name, { workbookId: 'fuzz', year: 2023, nodes });
  const code = outcome(read, (v) => v.result.problems.map((p) => p.problem));
  if (sheetsCode !== 'ok') expect(code).toBe(sheetsCode);
  expect(nodes).toEqual(copy);
  return { code, codes: new Set(read.ok ? read.value.result.problems.map((p) => p.problem.code) : []) };
}

describe('the fuzzing corpus', () => {
  it('holds at least 50 files, each with an expected outcome', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    expect(corpus).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(corpus)(
    '%s ends in a Result with sentences, through readSheets, readImport, readBackup and convert',
    async (name) => {
      const bytes = new Uint8Array(readFileSync(new URL(name, CORPUS)));
      const expected = EXPECTED[name];
      const { code, codes } = await readEverywhere(bytes, name);
      if (name.endsWith('.json')) {
        expect(outcome(readBackup(new TextDecoder().decode(bytes)))).toBe(expected);
      } else if (typeof expected === 'string') {
        expect(code).toBe(expected);
      } else {
        expect(code).toBe('ok');
        for (const c of expected.ok) expect(codes).toContain(c);
      }

      // `planbench convert IN OUT.json`: refused with a problem, held back for the problems it
      // lists, or written as a backup that reads back.
      const converted = await convertFile(bytes, name, 'out.json', { unit: 'trieu', locale: 'vi', lang: 'vi' });
      outcome(converted, (v) => v.problems.map((p) => p.problem));
      if (converted.ok && converted.value.bytes) expect(readBackupBytes(converted.value.bytes).ok).toBe(true);
    },
    TIME_LIMIT,
  );
});

/** What each file made in memory reads to: readImport's outcome (with codes an ok reading must
 * list), and readBackupBytes's for a backup (with what else must hold of it). */
const GIANTS_EXPECTED: Record<string, { import: string; lists?: string[]; backup?: string; restored?: (r: Result<WorkbookArchive>) => void }> = {
  'wide-row.csv': { import: 'import.too-many-columns' },
  'wide-table.csv': { import: 'import.too-many-columns' },
  'huge-cells.csv': { import: 'ok', lists: ['import.cell-too-long', 'amount.too-large'] },
  'line-breaks.csv': { import: 'import.empty-sheet' },
  'rows-past-grid.csv': { import: 'import.too-many-rows' },
  'past-size-limit.csv': { import: 'import.file-too-large' },
  'backup-60mb.json': {
    import: 'import.too-many-rows',
    backup: 'ok',
    restored: (r) => expect(r.ok && r.value.scenarios[0].lines.length).toBe(BACKUP_60MB_LINES),
  },
  'backup-60mb-bad-value.json': {
    import: 'import.too-many-columns',
    backup: 'backup.bad-value',
    // Quoted by its shape in a few characters, not as 60 MB.
    restored: (r) => expect(!r.ok && String(r.error.params?.text).length).toBeLessThan(100),
  },
  'backup-past-size-limit.json': { import: 'ok', backup: 'backup.too-large' },
};

describe('files too large to commit, made in memory', () => {
  it('each has an expected outcome', () => {
    expect(Object.keys(GIANT_FILES).sort()).toEqual(Object.keys(GIANTS_EXPECTED).sort());
  });

  it.each(Object.keys(GIANT_FILES))(
    '%s ends in a Result with sentences, through readSheets, readImport and readBackup',
    async (name) => {
      const bytes = GIANT_FILES[name]();
      if (name.includes('60mb')) expect(bytes.length).toBeGreaterThan(60 * 2 ** 20);
      const expected = GIANTS_EXPECTED[name];
      const { code, codes } = await readEverywhere(bytes, name);
      expect(code).toBe(expected.import);
      for (const c of expected.lists ?? []) expect(codes).toContain(c);
      if (expected.backup) {
        const restored = readBackupBytes(bytes);
        expect(outcome(restored)).toBe(expected.backup);
        expected.restored?.(restored);
      }
    },
    TIME_LIMIT,
  );

  it('a backup text past the size limit is refused before it is parsed', () => {
    const demo = readFileSync(new URL('backup-valid.json', CORPUS), 'utf8');
    expect(outcome(readBackup(' '.repeat(MAX_BACKUP_CHARS) + demo))).toBe('backup.too-large');
  });
});
