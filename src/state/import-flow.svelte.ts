// One file import from pick to commit, as the import dialog drives it: the file read in the import
// worker (a table) or on this thread (a JSON backup), the user's choices (sheet, column mapping,
// number format of ambiguous columns, consolidation as a district), then ONE change of the open
// workbook through the session, or a backup restored as a new workbook. Until `apply` commits,
// nothing touches the workbook: a cancel, a problem or a closed dialog leaves it as it was.

import type { CapitalType, LineField, NumberLocale, Problem, Result, Source } from '../domain/model';
import { fail, ok } from '../domain/model';
import { newId } from '../domain/ids';
import { archiveBaseline, type WorkbookArchive } from '../domain/workbook-archive';
import type { ImportOutcome, IncomingPlan } from '../domain/import-change';
import { districtPlaces, findDuplicateLines, guessDistrictName, incomingFromWorkbook, type DuplicateLine } from '../domain/consolidate';
import { MAX_BACKUP_CHARS, readBackup, readBackupBytes } from '../io/backup';
import { decodeText } from '../io/decode';
import type { ColumnRole, ImportField } from '../io/column-map';
import { ImportClient, type ImportRead, type ImportSummary } from '../engine/import-client';
import type { ImportedLine } from '../io/import-plan';
import type { FileCheck, Place } from '../domain/model';
import type { AppState } from './app.svelte';

export type ImportStep = 'pick' | 'reading' | 'review' | 'applying';

/** One sheet of a workbook of districts, read for a consolidation. */
export interface AlikeReading {
  sheet: string;
  lines: ImportedLine[];
  nodes: ImportSummary['result']['nodes'];
  plan: number;
  disbursed: number;
  /** Stated totals of the sheet that its lines do not reproduce. */
  differing: number;
  errors: number;
}

/** The line fields a mapped column gives, for updating lines the workbook already holds. */
const LINE_FIELD_OF: Partial<Record<ImportField, LineField>> = {
  label: 'label',
  plan: 'plan',
  disbursed: 'disbursed',
  asOf: 'asOf',
  expectedRate: 'expectedRate',
  statedPlan: 'statedPlan',
};

/** A JSON backup by its name or its first character; anything else is read as a table. */
const isBackupFile = (name: string, bytes: Uint8Array): boolean => /\.json$/i.test(name) || decodeText(bytes.subarray(0, 64)).text.trimStart().startsWith('{');

export class ImportFlow {
  step = $state<ImportStep>('pick');
  /** Share done of the read or of fetching lines, 0 … 1. */
  progress = $state(0);
  fileName = $state('');
  /** Why the last read or import stopped; the workbook is unchanged. */
  problem = $state.raw<Problem | null>(null);
  /** A table's reading: sheets, mapping, preview, problems, counts. */
  summary = $state.raw<ImportSummary | null>(null);
  /** A backup's content. */
  archive = $state.raw<WorkbookArchive | null>(null);
  /** The sheet chosen (undefined: the first holding a table). */
  sheet = $state<string | undefined>(undefined);
  /** The number format chosen for each ambiguous column. */
  columnLocales = $state.raw<Record<number, NumberLocale>>({});
  /** The source and capital type of money the file does not split, when the user names them (else
   * such lines take their item's, or are marked to fill). */
  defaults = $state.raw<{ source?: Source; capital?: CapitalType }>({});
  /** Import into the province workbook as a district (a place), stating nothing for the province. */
  consolidate = $state(false);
  district = $state('');
  /** Consolidating: what to do with a line the district already has ('keep' unless the user says). */
  sameLine = $state<'keep' | 'update'>('keep');
  /** Consolidating: incoming lines the district (or the file) already holds; shown before importing. */
  duplicates = $state.raw<DuplicateLine[] | null>(null);
  /** What the last import did. */
  outcome = $state.raw<ImportOutcome | null>(null);
  /** Consolidating a workbook of one sheet per district: import every sheet laid out alike, each as
   * the district its sheet names. */
  allSheets = $state(false);
  /** Those sheets as read, before "Nhập": lines, money, and how many of their totals differ. */
  alikeReadings = $state.raw<AlikeReading[] | null>(null);

  private bytes: Uint8Array | null = null;
  private read: ImportRead | null = null;
  /** The mapping the user set (null: the one read: a saved template or the guess). */
  private columns: ColumnRole[] | null = null;
  private templates: Record<string, ColumnRole[]> = {};
  private incoming: IncomingPlan | null = null;

  constructor(
    private app: AppState,
    private client: ImportClient = new ImportClient(),
  ) {}

  /** The mapping in force: the user's, else the reading's. */
  get mapping(): ColumnRole[] {
    return this.columns ?? this.summary?.mapping.columns ?? [];
  }

  /** Starts over with a picked or dropped file: a backup is checked here, a table read in the worker. */
  async load(fileName: string, data: ArrayBuffer | Uint8Array): Promise<void> {
    this.client.cancel();
    this.releaseRead();
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    Object.assign(this, {
      fileName,
      bytes,
      columns: null,
      incoming: null,
      sheet: undefined,
      columnLocales: {},
      defaults: {},
      summary: null,
      archive: null,
      problem: null,
      duplicates: null,
      outcome: null,
      allSheets: false,
      alikeReadings: null,
    });
    if (bytes.length > 0 && isBackupFile(fileName, bytes)) {
      // The size is checked on the bytes, before a huge file is decoded to text.
      const r = bytes.length > MAX_BACKUP_CHARS ? readBackupBytes(bytes) : readBackup(decodeText(bytes).text);
      if (!r.ok) {
        this.stop(r.error);
        return;
      }
      this.archive = r.value;
      this.district ||= guessDistrictName([r.value.workbook.placeName, r.value.workbook.name]);
      this.step = 'review';
      return;
    }
    this.templates = await this.app.importTemplates();
    await this.readTable();
  }

  /** Changes one column's meaning and reads again (remembered as a template on import). */
  setColumn(col: number, role: ColumnRole): Promise<void> {
    const next = this.mapping.map((r) => ({ ...r }));
    next[col] = role;
    this.columns = next;
    return this.readTable();
  }

  /** Back to the mapping guessed from the headers. */
  resetMapping(): Promise<void> {
    this.columns = this.summary ? this.summary.guessedMapping.columns.map((r) => ({ ...r })) : null;
    return this.readTable();
  }

  setSheet(name: string): Promise<void> {
    this.sheet = name;
    this.columns = null;
    this.columnLocales = {};
    return this.readTable();
  }

  /** Answers the locale question for a column ("1.234": vi thousands, or en decimals). */
  setLocale(col: number, locale: NumberLocale): Promise<void> {
    this.columnLocales = { ...this.columnLocales, [col]: locale };
    return this.readTable();
  }

  /** Names the source or capital type of the money the file does not split (undefined: none) and
   * reads again. */
  async setDefault(field: 'source' | 'capital', value: string | undefined): Promise<void> {
    const next: { source?: Source; capital?: CapitalType } = { ...this.defaults };
    if (value === undefined) delete next[field];
    else if (field === 'source') next.source = value as Source;
    else next.capital = value as CapitalType;
    this.defaults = next;
    await this.readTable();
    if (this.allSheets && this.alikeReadings) await this.readAlike();
  }

  /** Reads every sheet laid out like the others (one per district), for a consolidation in one step. */
  async readAlike(): Promise<void> {
    const session = this.app.session;
    const names = this.summary?.file.alike ?? [];
    if (!session || !this.bytes || names.length < 2) return;
    this.step = 'reading';
    this.progress = 0;
    const wb = session.workbook;
    const out: AlikeReading[] = [];
    for (const [k, sheet] of names.entries()) {
      const read = await this.client.read(
        this.bytes,
        this.fileName,
        {
          workbookId: wb.id,
          year: wb.year,
          nodes: session.tree.nodes,
          places: session.places.map((p) => ({ id: p.id, name: p.name })),
          formulaRounding: wb.settings.formulaRounding,
        },
        { sheet, columnLocales: this.columnLocales, defaults: this.defaults, savedMappings: this.templates },
        (done, total) => (this.progress = (k + done / Math.max(total, 1)) / names.length),
      );
      if (!read) return;
      if (!read.result.ok) {
        this.stop(read.result.error);
        return;
      }
      const lines = await this.client.lines(read);
      void this.client.release(read.id);
      if (!lines.ok) {
        this.stop(lines.error);
        return;
      }
      const r = read.result.value.result;
      out.push({
        sheet,
        lines: lines.value,
        nodes: r.nodes,
        plan: r.plan,
        disbursed: r.disbursed,
        differing: r.reconciliation.checked - r.reconciliation.matched,
        errors: r.errorCount,
      });
    }
    this.alikeReadings = out;
    this.step = 'review';
  }

  /** Stops the read in flight; the workbook is unchanged. A reading shown before stays, with its choices. */
  cancel(): void {
    this.client.cancel();
    if (this.step !== 'reading') return;
    if (this.summary) {
      this.columns = this.summary.mapping.columns;
      this.sheet = this.summary.sheet;
    }
    this.stop({ code: 'import.cancelled' });
  }

  /** Whether there is something to import: a backup, or a reading with lines or stated totals. */
  get canApply(): boolean {
    if (this.step !== 'review') return false;
    if (this.archive) return true;
    if (this.consolidate && this.allSheets) return this.alikeReadings?.some((a) => a.lines.length > 0) ?? false;
    const s = this.read?.result.ok ? this.read.result.value.result : null;
    return !!s && (s.lineCount > 0 || s.totals.length > 0);
  }

  /**
   * Imports what was read as ONE undoable change of the open workbook (a backup not consolidated
   * is restored as a new workbook instead). Consolidating, lines the district already holds are
   * listed first (`duplicates`) and the import waits for the user's choice (`sameLine`, then call
   * again); they are never summed. Resolves to the outcome, or the problem (workbook unchanged).
   */
  async apply(): Promise<Result<ImportOutcome | null>> {
    const session = this.app.session;
    if (!session) return fail('workbook.missing');
    if (this.archive && !this.consolidate) {
      this.step = 'applying';
      const r = await this.app.restoreArchive(this.archive);
      if (!r.ok) return this.stop(r.error);
      this.step = 'pick';
      return ok(null);
    }
    if (!this.canApply) return fail('import.no-data', { sheet: this.sheet ?? '' });
    this.step = 'applying';
    this.progress = 0;
    let incoming = this.incoming;
    if (!incoming) {
      if (this.archive) incoming = incomingFromWorkbook(archiveBaseline(this.archive), { workbookId: session.workbook.id, nodes: session.tree.nodes }, newId);
      else {
        const lines = await this.client.lines(this.read!, (done, total) => (this.progress = done / Math.max(total, 1)));
        if (!lines.ok) return this.stop(lines.error);
        const s = this.summary!.result;
        incoming = { nodes: s.nodes, lines: lines.value, totals: s.totals };
      }
      this.incoming = incoming;
    }
    let result: Result<ImportOutcome>;
    if (this.consolidate && this.allSheets && this.alikeReadings) {
      // Every district sheet in one change: each sheet's lines in the district it names.
      let places: Place[] = [...session.places];
      const added: Place[] = [];
      const lines: ImportedLine[] = [];
      const nodes = new Map<string, AlikeReading['nodes'][number]>();
      const duplicates: DuplicateLine[] = [];
      for (const a of this.alikeReadings) {
        const d = districtPlaces(places, session.workbook, a.sheet, newId);
        places = [...places, ...d.added];
        added.push(...d.added);
        const tagged = a.lines.map((l) => ({ ...l, line: { ...l.line, placeId: d.district.id } }));
        duplicates.push(
          ...findDuplicateLines(
            session.lines,
            tagged.map((l) => l.line),
            d.district.id,
          ),
        );
        lines.push(...tagged);
        for (const n of a.nodes) if (!nodes.has(n.node.id)) nodes.set(n.node.id, n);
      }
      if (this.duplicates === null && duplicates.length) {
        this.duplicates = duplicates;
        this.step = 'review';
        return ok(null);
      }
      result = await session.applyImport({ nodes: [...nodes.values()], lines, totals: [] }, { places: added, stated: false, sameLine: this.sameLine });
    } else if (this.consolidate) {
      const places = districtPlaces(session.places, session.workbook, this.district.trim() || guessDistrictName([this.fileName]), newId);
      if (this.duplicates === null) {
        const found = findDuplicateLines(
          session.lines,
          incoming.lines.map((l) => l.line),
          places.district.id,
        );
        if (found.length) {
          this.duplicates = found;
          this.step = 'review';
          return ok(null);
        }
      }
      result = await session.applyImport(incoming, { placeId: places.district.id, places: places.added, stated: false, sameLine: this.sameLine });
    } else {
      const fields = new Set(this.mapping.flatMap((r) => (LINE_FIELD_OF[r.field] ? [LINE_FIELD_OF[r.field]!] : [])));
      // Lines listed under their items (the app's own export) carry their description in the name column.
      if (incoming.lines.some((l) => l.line.label)) fields.add('label');
      result = await session.applyImport(incoming, { fields: [...fields], note: this.fileName, sameLine: 'update', fileChecks: this.fileChecks(incoming) });
    }
    if (!result.ok) return this.stop(result.error);
    if (this.columns && this.summary) await this.app.saveImportTemplate(this.summary.mapping.templateKey, this.columns);
    this.outcome = result.value;
    this.releaseRead();
    this.step = 'pick';
    return ok(result.value);
  }

  dispose(): void {
    this.client.dispose();
  }

  /** The file's totals its lines do not reproduce and the plan has no stated figure for: kept with
   * the scenario for the checks tab, on the lines under each. */
  private fileChecks(incoming: IncomingPlan): FileCheck[] {
    const rec = this.summary?.result.reconciliation;
    if (!rec) return [];
    const file = this.fileName.replace(/^.*[\\/]/, '');
    const sheet = this.summary!.sheet;
    const header = new Map(rec.columns.map((c) => [c.col, c.header]));
    return rec.rows.flatMap((r) =>
      r.cells.flatMap((c) =>
        c.lines
          ? [
              {
                id: `${file}|${sheet}|${r.row}|${c.col}`,
                file,
                sheet,
                row: r.row,
                label: r.label,
                column: header.get(c.col) || `#${c.col + 1}`,
                measure: c.measure,
                stated: c.stated,
                lineIds: c.lines.map((k) => incoming.lines[k].line.id),
              },
            ]
          : [],
      ),
    );
  }

  private async readTable(): Promise<void> {
    const session = this.app.session;
    if (!session || !this.bytes) return;
    this.step = 'reading';
    this.progress = 0;
    this.problem = null;
    this.incoming = null;
    this.duplicates = null;
    const wb = session.workbook;
    const read = await this.client.read(
      this.bytes,
      this.fileName,
      {
        workbookId: wb.id,
        year: wb.year,
        nodes: session.tree.nodes,
        places: session.places.map((p) => ({ id: p.id, name: p.name })),
        formulaRounding: wb.settings.formulaRounding,
      },
      { sheet: this.sheet, mapping: this.columns ?? undefined, columnLocales: this.columnLocales, defaults: this.defaults, savedMappings: this.templates },
      (done, total) => (this.progress = done / Math.max(total, 1)),
    );
    if (!read) return; // a newer read or a cancel took over
    this.releaseRead();
    if (!read.result.ok) {
      // The last reading stays on screen for its list of sheets, but cannot be imported.
      this.stop(read.result.error);
      return;
    }
    this.read = read;
    this.summary = read.result.value;
    this.sheet = read.result.value.sheet;
    this.district ||= guessDistrictName([...read.result.value.table.titles, this.fileName]);
    this.step = 'review';
  }

  private releaseRead(): void {
    if (this.read) void this.client.release(this.read.id);
    this.read = null;
  }

  /** Ends with a problem; what was read (if anything) stays for another try. */
  private stop<T>(problem: Problem): Result<T> {
    this.problem = problem;
    this.step = this.summary || this.archive ? 'review' : 'pick';
    return { ok: false, error: problem };
  }
}
