// App-wide state: the database, the list of workbooks, the open workbook session, view settings
// (language, display unit, number format) that persist in this browser, and the notice shown to the user.

import type { AmountUnit, Id, Lang, Line, NumberLocale, Place, Problem, Result, Scenario, TreeNode, Workbook, WorkbookData } from '../domain/model';
import { copyScenarioRecords, effectiveWorkbook, isFrozen } from '../domain/scenarios';
import { fail, ok } from '../domain/model';
import { buildDemoWorkbook, buildEmptyWorkbook, buildGeneratedWorkbook, DEMO_NAME } from '../domain/demo';
import { formatAmount } from '../domain/amount';
import { copyWorkbook } from '../domain/workbook-copy';
import { draftNextYear, nextYearName } from '../domain/next-year';
import { openDatabase, type PlanbenchDB } from '../db/database';
import { createWorkbook, deleteWorkbook, getMeta, listWorkbooks, loadWorkbook, setMeta, commitChange } from '../db/workbook-repo';
import { WorkbookSession } from './session.svelte';
import { ChunkedLines, CHUNK_SIZE } from '../db/line-chunks';
import { TabSync } from './tab-sync';
import { officeFrom } from '../domain/office';
import { loadWorkbookArchive, restoreBackup } from '../db/backup-repo';
import { archiveBaseline, overlayScenario, type WorkbookArchive } from '../domain/workbook-archive';
import type { ColumnRole } from '../io/column-map';
import { describeProblem, type ProblemCode } from '../domain/messages';
import { districtPlaces, replaceDistrictLines } from '../domain/consolidate';
import type { Change } from '../domain/edit';
import { writeBackup } from '../io/backup';
import { exportPlanCsv } from '../io/export-csv';
import { foldToKey } from '../domain/text';
import {
  copyScenario,
  deleteScenario,
  writeHeldCopy,
  restoreAsBaseline,
  restoreScenario,
  restoreScenarioOfVersion,
  updateScenario,
  type ScenarioSnapshot,
} from '../db/scenario-repo';
import type { RestoredScenario, VersionStep } from '../domain/sync-history';
import { readShare, shareWorkbook, type PullOutcome } from '../db/sync-repo';
import { removeInterruptedOpens, SnapshotWriter } from '../db/snapshot-writer';
import { readServerWorkbook, type OpenProgress } from './server-open';
import { ServerApi, type ServerDistrict, type ServerSubmission, type ServerUser, type ServerWorkbook, type SnapshotChunk } from '../net/server-api';
import { notYours, SharedSync, type SyncOptions } from './shared-sync.svelte';
import { archiveOfRecords, recordKey, uploadOperations, type RecordKind, type SyncedRecord } from '../domain/sync';
import { newId } from '../domain/ids';

/** A server's refusal in the app's own words where it has them (by the server's code), else as the server said it. */
function refusalOf<T>(problem: Problem, own: Partial<Record<string, ProblemCode>>, params?: Problem['params']): Result<T> {
  const code = problem.code === 'sync.refused' ? own[String(problem.params?.code)] : undefined;
  return code ? fail(code, params) : { ok: false, error: problem };
}

/** Records read chunk by chunk (a submission's, or a workbook's as it stood at a version) as a workbook archive. */
async function readArchive(chunkAfter: (after: string | null) => Promise<Result<SnapshotChunk>>): Promise<Result<WorkbookArchive>> {
  const records = new Map<string, SyncedRecord>();
  let after: string | null = null;
  do {
    const chunk = await chunkAfter(after);
    if (!chunk.ok) return chunk;
    for (const r of chunk.value.records) records.set(recordKey(r.kind as RecordKind, r.scope, r.id), { data: r.data, seq: r.seq });
    after = chunk.value.next;
  } while (after);
  const archive = archiveOfRecords(records);
  return archive ? ok(archive) : fail('sync.empty-snapshot');
}

/**
 * What a read-only workbook on screen is: a district's version sent to the province, or a shared
 * workbook as it stood after an earlier version of the server's log (on one of its scenarios then).
 */
export type ReadOnlyView =
  | {
      kind: 'submission';
      district: string;
      workbookName: string;
      submission: ServerSubmission;
      /** The workbook open before, reopened when the view is closed. */
      back: Id | null;
    }
  | {
      kind: 'version';
      workbookId: Id;
      workbookName: string;
      /** The server the workbook is shared on (its origin), and the version shown. */
      server: string;
      seq: number;
      /** Who made the version and when, when known. */
      step: Pick<VersionStep, 'userName' | 'at'> | null;
      /** The scenario shown, as it stood then. */
      scenarioId: Id;
      scenarioName: string;
      back: Id | null;
    };

/** How a province's workbook follows its districts: which versions it takes, from which server, and the version of each district it holds. */
export interface ConsolidationFollow {
  mode: 'approved' | 'submitted';
  server: string;
  /** District (organisation id) → the submission whose lines the workbook holds. */
  taken: Record<string, string>;
}

/** What one consolidation did: the districts brought in (with the version used), those already up to date, those with no version to take. */
export interface ConsolidationOutcome {
  districts: { name: string; submission: ServerSubmission; added: number; updated: number; removed: number; duplicates: number }[];
  unchanged: string[];
  missing: string[];
  /** Districts with no version to take whose lines, brought in before, were taken out. */
  cleared: string[];
}

const consolidationKey = (workbookId: Id) => `consolidation:${workbookId}`;

/** One change of a line or item as the history shows it: who, when, the server's version, and each field it changed. */
export interface HistoryRow {
  seq: number;
  userName: string;
  at: string;
  /** 'created' or 'deleted' when the change made or removed the record; else 'edited'. */
  what: 'created' | 'edited' | 'deleted';
  changes: { field: string; before: unknown; after: unknown }[];
}

/** The top-level fields whose values differ between two records (either may be absent). */
function changedFields(before: unknown, after: unknown): HistoryRow['changes'] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((field) => ({ field, before: b[field], after: a[field] }));
}

/** A button on a notice: what the user can do about what it says. */
export interface NoticeAction {
  label: string;
  run(): void;
}

export interface Notice {
  kind: 'info' | 'error';
  /** Sentence already in the user's language, or a problem to describe. */
  text?: string;
  problem?: Problem;
  id: number;
  actions?: NoticeAction[];
  /** The workbook it is about: it goes when another workbook opens. */
  workbookId?: Id;
  /** A refusal of typed or pasted cells: it goes once a later edit lands whole. */
  refusal?: boolean;
}

const PREFS_KEY = 'planbench.prefs';
const IMPORT_TEMPLATES = 'importTemplates';
const LAST_WORKBOOK = 'lastWorkbookId';
const lastScenarioKey = (workbookId: Id) => `lastScenario:${workbookId}`;

/** A file name from a workbook or scenario name: no diacritics, spaces or punctuation. */
function fileStem(name: string): string {
  return name.split(/\s+/).map(foldToKey).filter(Boolean).join('-').slice(0, 60) || 'planbench';
}

interface Prefs {
  lang: Lang;
  unit: AmountUnit;
  locale: NumberLocale;
  /** At most this many decimals shown for amounts; null shows every decimal the đồng need. */
  maxDecimals: number | null;
}

function loadPrefs(): Prefs {
  const fallback: Prefs = { lang: 'vi', unit: 'trieu', locale: 'vi', maxDecimals: 3 };
  try {
    const raw = globalThis.localStorage?.getItem(PREFS_KEY);
    if (!raw) return fallback;
    const p = JSON.parse(raw) as Partial<Prefs>;
    return {
      lang: p.lang === 'en' ? 'en' : 'vi',
      unit: (['dong', 'nghin', 'trieu', 'ty'] as const).includes(p.unit as AmountUnit) ? (p.unit as AmountUnit) : 'trieu',
      locale: p.locale === 'en' ? 'en' : 'vi',
      maxDecimals: p.maxDecimals === null ? null : Number.isInteger(p.maxDecimals) && p.maxDecimals! >= 0 && p.maxDecimals! <= 9 ? p.maxDecimals! : 3,
    };
  } catch {
    return fallback;
  }
}

export class AppState {
  lang = $state<Lang>('vi');
  unit = $state<AmountUnit>('trieu');
  locale = $state<NumberLocale>('vi');
  maxDecimals = $state<number | null>(3);
  workbooks = $state.raw<Workbook[]>([]);
  session = $state.raw<WorkbookSession | null>(null);
  notice = $state<Notice | null>(null);
  /** Set when another tab upgraded the database: this tab must reload. */
  needsReload = $state(false);
  loading = $state(true);
  /** The open workbook's sync with its server, when it is shared. */
  shared = $state.raw<SharedSync | null>(null);
  /** A read-only workbook on screen (a district's submitted version), what it is, and the workbook to go back to. */
  viewing = $state.raw<ReadOnlyView | null>(null);
  /** How the open workbook follows its districts' versions (a province's consolidated workbook), or null. */
  consolidation = $state.raw<ConsolidationFollow | null>(null);
  /** Milliseconds between two looks at the districts' versions while a consolidated workbook is open. */
  followMs = 30_000;
  /** Operations per push and pauses between retries of the shared workbooks' sync (SharedSync's defaults unless set; tests set smaller ones). */
  syncTuning: Pick<SyncOptions, 'batch' | 'retryMs'> = {};
  private followTimer: ReturnType<typeof setInterval> | null = null;
  private followRun: Promise<void> | null = null;
  private followSaid: string | null = null;
  /** The server this page logged in to last, and as whom (the province's board and the submit button read it). */
  account = $state.raw<{ api: ServerApi; user: ServerUser } | null>(null);
  /** The servers this page talks to, by origin (one login each). */
  private readonly servers = new Map<string, ServerApi>();
  private db: PlanbenchDB;
  private noticeSeq = 0;

  /** `fetchFn` reaches the servers (the page's fetch; tests pass one that keeps cookies). */
  constructor(
    dbName = 'planbench',
    private readonly fetchFn?: ConstructorParameters<typeof ServerApi>[1],
  ) {
    const prefs = loadPrefs();
    this.lang = prefs.lang;
    this.unit = prefs.unit;
    this.locale = prefs.locale;
    this.maxDecimals = prefs.maxDecimals;
    this.db = openDatabase(dbName);
    this.db.onVersionChange = () => {
      this.needsReload = true;
      // This tab can no longer write: refuse edits from now on instead of showing them and losing them.
      this.session?.block({ code: 'db.upgraded-elsewhere' });
    };
    // Closing or reloading the tab while an edit is not yet in IndexedDB: the browser asks first.
    globalThis.addEventListener?.('beforeunload', (e) => {
      if (this.hasUnsaved()) {
        e.preventDefault();
        e.returnValue = true; // older browsers ask only when this is set
      }
    });
    // A read-only view shows records that are not the stored ones: what another tab wrote is not for it.
    this.sync = new TabSync((m) => void (this.viewing ? undefined : this.session?.applyRemote(m)));
  }

  /** Tells this browser's other tabs what this one wrote, and takes in what they wrote. */
  private sync: TabSync;

  /** Opens the last workbook used, or the demo when the browser holds none. */
  async start(): Promise<void> {
    // What an open from the server interrupted by a closed tab left (hidden, but taking room).
    await removeInterruptedOpens(this.db);
    this.workbooks = await listWorkbooks(this.db);
    if (this.workbooks.length === 0) {
      const made = await createWorkbook(this.db, buildDemoWorkbook());
      if (!made.ok) {
        // Nothing to open: the notice says why, and the workbook dialog can try again later.
        this.notify('error', { problem: made.error });
        this.loading = false;
        return;
      }
      this.workbooks = await listWorkbooks(this.db);
    }
    const last = (await getMeta(this.db, LAST_WORKBOOK)) as Id | undefined;
    const target = this.workbooks.find((w) => w.id === last) ?? this.workbooks[0];
    await this.open(target.id);
    this.loading = false;
  }

  /** Whether anything typed in this tab is not yet stored (saving, or refused by storage). */
  hasUnsaved(): boolean {
    const s = this.session;
    return !!s && (s.unsavedCount > 0 || s.saveStatus !== 'saved');
  }

  savePrefs(): void {
    try {
      globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify({ lang: this.lang, unit: this.unit, locale: this.locale, maxDecimals: this.maxDecimals }));
    } catch {
      // Private mode or storage disabled: the settings simply last for this visit.
    }
  }

  notify(kind: Notice['kind'], content: { text?: string; problem?: Problem; actions?: NoticeAction[]; refusal?: boolean }): void {
    this.notice = { kind, ...content, workbookId: this.session?.workbook.id, id: ++this.noticeSeq };
  }

  /** Drops the notice of a refusal once an edit lands whole: it no longer applies. */
  clearRefusal(): void {
    if (this.notice?.refusal) this.notice = null;
  }

  /**
   * Whether the open session may be closed: every edit of it stored. When storage refused some
   * (they live only in this tab), says so and keeps it open: closing it would lose them.
   */
  private async canLeave(): Promise<Result<true>> {
    const s = this.session;
    if (!s) return ok(true);
    await s.flush();
    if (s.unsavedCount === 0) return ok(true);
    const problem: Problem = { code: 'session.unsaved-leave', params: { count: s.unsavedCount } };
    this.notify('error', { problem });
    return fail(problem.code, problem.params);
  }

  /**
   * Opens a workbook on one of its scenarios (the one last used in it, else the baseline); stays on
   * the open one while it has edits storage refused.
   */
  async open(id: Id, scenarioId?: Id, again = true): Promise<void> {
    if (!(await this.canLeave()).ok) return;
    const wanted = scenarioId ?? ((await getMeta(this.db, lastScenarioKey(id))) as Id | undefined);
    const seqBefore = (await readShare(this.db, id))?.lastSeq;
    const loaded = await loadWorkbook(this.db, id, wanted);
    if (!loaded) {
      this.notify('error', { problem: { code: 'workbook.missing' } });
      return;
    }
    const session = new WorkbookSession(this.db, loaded.data, loaded.chunks, undefined, loaded.scenarioId);
    await this.show(session);
    // A pull of the sync being replaced may have landed after the lines were read, unseen by the
    // session shown (the new sync finds nothing new): read once more.
    if (again && seqBefore !== undefined && this.session === session && (await readShare(this.db, id))?.lastSeq !== seqBefore) await this.open(id, session.scenarioId, false);
  }

  /**
   * Puts a session on screen in place of the open one, and remembers it as the last used; a
   * read-only view (`viewing`) is neither synchronised nor remembered.
   */
  private async show(session: WorkbookSession, viewing: ReadOnlyView | null = null): Promise<void> {
    this.session?.dispose();
    this.shared?.stop();
    this.shared = null;
    this.viewing = viewing;
    this.stopFollowing();
    if (viewing) {
      this.notice = null;
      this.session = session;
      await session.ready;
      return;
    }
    const share = await readShare(this.db, session.workbook.id);
    const shared = share
      ? new SharedSync(this.db, share.workbookId, this.server(share.server), (o) => this.takePulled(session, o), {
          ...this.syncTuning,
          chunkHint: (scenarioId, lineId) => (scenarioId === session.scenarioId ? session.storedChunkOf(lineId) : undefined),
        })
      : null;
    session.onCommitted = (m) => {
      this.sync.post(m);
      shared?.kick();
    };
    this.shared = shared;
    void shared?.start();
    // A notice belongs to its workbook, and its buttons to the session they act on.
    const n = this.notice;
    if (n && ((n.workbookId && n.workbookId !== session.workbook.id) || n.actions?.length || n.refusal)) this.notice = null;
    this.session = session;
    // Which workbook and scenario to reopen next time: bookkeeping that a full storage may refuse
    // without harm to the work itself (its own failure is said by the edits that follow), so a
    // refusal here is not shown.
    await setMeta(this.db, LAST_WORKBOOK, session.workbook.id);
    await setMeta(this.db, lastScenarioKey(session.workbook.id), session.scenarioId);
    await session.ready;
    this.consolidation = ((await getMeta(this.db, consolidationKey(session.workbook.id))) as ConsolidationFollow | undefined) ?? null;
    if (this.consolidation && this.session === session) this.startFollowing();
  }

  // ---- shared workbooks (the server) ---------------------------------------------------------

  /** The client of the server at an origin (one per origin, so its login lasts while the page is open). */
  server(origin: string): ServerApi {
    const key = origin.replace(/\/+$/, '');
    let api = this.servers.get(key);
    if (!api) this.servers.set(key, (api = new ServerApi(key, this.fetchFn)));
    return api;
  }

  /** Logs in to a server; the open workbook's sync, waiting for a login there, starts again. */
  async logIn(origin: string, username: string, password: string): Promise<Result<ServerUser>> {
    const api = this.server(origin);
    const r = await api.login(username, password);
    if (r.ok) this.account = { api, user: r.value };
    if (r.ok && this.shared?.api === api) this.shared.kick();
    return r;
  }

  /** What a pull wrote, taken in by the session that is open (if it still is) and told to the other tabs. */
  private async takePulled(pulledFor: WorkbookSession, o: PullOutcome): Promise<void> {
    // The session open now, when it shows the same workbook: another of its scenarios may have
    // been opened while the pull was written, after reading its lines.
    const session = this.session?.workbook.id === pulledFor.workbook.id && !this.viewing ? this.session : pulledFor;
    const chunks = o.chunks.get(session.scenarioId) ?? [];
    const m = { workbookId: session.workbook.id, scenarioId: session.scenarioId, chunks };
    this.sync.post(m);
    if (this.session !== session || !(o.records || chunks.length)) return;
    const baseline = session.workbook.baselineScenarioId;
    await session.applyRemote(m);
    if (this.session !== session) return;
    // Another office deleted the scenario shown, made the baseline another one, or froze it: the
    // session is opened again as the records now stand (a deleted one on the baseline, said).
    const now = session.scenarios.find((x) => x.id === session.scenarioId);
    if (!now) {
      this.notify('info', { problem: { code: 'sync.scenario-gone', params: { name: session.scenario.name } } });
      await this.open(session.workbook.id, session.workbook.baselineScenarioId);
    } else if (session.workbook.baselineScenarioId !== baseline || isFrozen(now, session.workbook) !== session.frozen) {
      await this.open(session.workbook.id, session.scenarioId);
    }
  }

  /**
   * Shares the open workbook on a server the user is logged in to: creates it there (same id, the
   * user's office), marks it shared and queues its upload (every scenario, item, place, rule and
   * line), then reopens it so its sync starts sending. The workbook stays local when the server refuses.
   */
  async shareOpen(api: ServerApi): Promise<Result<void>> {
    const s = this.session;
    if (!s) return fail('workbook.missing');
    const leave = await this.canLeave();
    if (!leave.ok) return leave;
    if (await readShare(this.db, s.workbook.id)) return ok(undefined);
    const archive = await loadWorkbookArchive(this.db, s.workbook.id);
    if (!archive) return fail('workbook.missing');
    const created = await api.createWorkbook({ id: archive.workbook.id, name: archive.workbook.name, year: archive.workbook.year });
    if (!created.ok) return created;
    const r = await shareWorkbook(
      this.db,
      { workbookId: archive.workbook.id, server: api.origin, orgName: created.value.workbook.orgName, sharedAt: Date.now() },
      uploadOperations(archive, newId),
    );
    if (!r.ok) return r;
    await this.open(archive.workbook.id, s.scenarioId);
    return ok(undefined);
  }

  /**
   * Opens a workbook of the server: the one stored here if this browser has it, else read from the
   * server's records in chunks, each chunk's lines stored while the next is fetched, brought up to
   * date with the operations after the first chunk, stored as shared in one last transaction (a
   * failure leaves nothing of it behind, see db/snapshot-writer.ts) and opened on the records in
   * hand, its session built and rolled up while that transaction runs. `onProgress` is told the
   * records read so far and the phase: reading, storing the rest, opening.
   */
  async openFromServer(api: ServerApi, wb: ServerWorkbook, onProgress: OpenProgress = () => {}): Promise<Result<void>> {
    if (!(await this.canLeave()).ok) return fail('session.unsaved-leave');
    const here = this.workbooks.some((w) => w.id === wb.id);
    if (here && (await readShare(this.db, wb.id))) {
      await this.open(wb.id);
      return ok(undefined);
    }
    const wanted = (await getMeta(this.db, lastScenarioKey(wb.id))) as Id | undefined;
    // A workbook of this id stored here (not shared) is replaced as a whole by the last transaction.
    const writer = new SnapshotWriter(this.db, wb.id, !here);
    const read = await readServerWorkbook(api, wb.id, writer, onProgress);
    if (!read.ok) {
      await writer.abandon();
      return read;
    }
    const { records, lastSeq, count } = read.value;
    onProgress(count, 'store');
    await writer.drained();
    const written = writer.finish(records, { workbookId: wb.id, server: api.origin, orgName: wb.orgName, lastSeq, sharedAt: Date.now() });
    // The session of a workbook replaced waits for it: it would read the undo steps of the one before.
    if (here) {
      const r = await written;
      if (!r.ok) return r;
    }
    // Built and rolled up while the last transaction runs: a step the session stores meanwhile
    // (formulas brought up to date) is issued after that transaction, so it finds the workbook.
    const scenarioId = records.scenarios.some((x) => x.id === wanted) ? wanted! : records.workbook.baselineScenarioId;
    const chunks = writer.chunksOf(scenarioId);
    const data: WorkbookData = { ...records, lines: chunks.allLines(), rules: records.rules.filter((r) => r.scenarioId === scenarioId) };
    const session = new WorkbookSession(this.db, data, chunks, undefined, scenarioId);
    const stored = await written;
    if (!stored.ok) {
      session.dispose();
      return stored;
    }
    onProgress(count, 'open');
    await this.refreshList();
    await this.show(session);
    return ok(undefined);
  }

  /**
   * Opens a workbook of the server by its id (a link a colleague sent): refused with sync.not-yours,
   * naming the user's office, when it is another office's (the server does not say it exists).
   */
  async openServerWorkbook(api: ServerApi, workbookId: string, onProgress?: OpenProgress): Promise<Result<void>> {
    const r = await api.workbook(workbookId.trim());
    if (!r.ok) return r.error.code === 'sync.refused' && r.error.params?.code === 'workbook.not-found' ? { ok: false, error: notYours(api) } : r;
    return this.openFromServer(api, r.value.workbook, onProgress);
  }

  /**
   * Sends the open shared workbook to the province ("Gửi tỉnh") with a note, as the server holds it
   * once every edit made here has reached it (refused with submission.unsent otherwise, so the
   * version sent is the one on screen). The workbook's submissions are read again after.
   */
  async submitToProvince(note: string): Promise<Result<ServerSubmission>> {
    const shared = this.shared;
    if (!shared || !this.session) return fail('submission.not-shared');
    await this.session.flush();
    shared.kick();
    await shared.idle();
    if (shared.pending > 0) return fail('submission.unsent', { count: shared.pending });
    const r = await shared.api.submit(shared.workbookId, note.trim());
    if (!r.ok) return refusalOf(r.error, { 'submission.state': 'submission.waiting' });
    await shared.refreshSubmissions();
    return ok(r.value.submission);
  }

  /** For a province account: each of its districts, with each workbook's state and latest submission. */
  async provinceBoard(api: ServerApi): Promise<Result<ServerDistrict[]>> {
    const r = await api.provinceStatus();
    if (!r.ok) return refusalOf(r.error, { 'role.forbidden': 'submission.not-province' });
    return ok(r.value.districts);
  }

  /** A submission's frozen records, read in chunks, as a workbook archive. */
  readSubmission(api: ServerApi, submissionId: string): Promise<Result<WorkbookArchive>> {
    return readArchive((after) => api.submissionRecords(submissionId, after));
  }

  /**
   * Shows a district's submitted version read-only (nothing stored in this browser, every edit
   * refused with submission.read-only); closeView goes back to the workbook open before.
   */
  async openSubmission(api: ServerApi, district: string, workbookName: string, submission: ServerSubmission): Promise<Result<void>> {
    const leave = await this.canLeave();
    if (!leave.ok) return leave;
    const r = await this.readSubmission(api, submission.id);
    if (!r.ok) return r;
    const back = this.viewing ? this.viewing.back : (this.session?.workbook.id ?? null);
    await this.showReadOnly(
      r.value,
      r.value.workbook.baselineScenarioId,
      { code: 'submission.read-only', params: { district } },
      { kind: 'submission', district, workbookName, submission, back },
    );
    return ok(undefined);
  }

  /** Shows one scenario of an archive (its baseline when it has no such scenario) read-only: every edit refused with `problem`, nothing stored or synced. */
  private async showReadOnly(archive: WorkbookArchive, scenarioId: Id, problem: Problem, view: ReadOnlyView): Promise<void> {
    const scenario = archive.scenarios.find((x) => x.id === scenarioId) ?? archive.scenarios.find((x) => x.id === archive.workbook.baselineScenarioId);
    const data = { ...archiveBaseline(archive), lines: scenario?.lines ?? [] };
    const chunks: Line[][] = [];
    for (let i = 0; i < data.lines.length; i += CHUNK_SIZE) chunks.push(data.lines.slice(i, i + CHUNK_SIZE));
    const session = new WorkbookSession(this.db, data, new ChunkedLines(chunks), undefined, scenario?.id, problem);
    await this.show(session, view);
  }

  // ---- earlier versions of the open shared workbook (the server's log) ----------------------

  /** The open shared workbook (or the one whose earlier version is on screen) on its server, or null when there is none. */
  private sharedTarget(): { api: ServerApi; workbookId: Id; name: string } | null {
    const v = this.viewing;
    if (v?.kind === 'version') return { api: this.server(v.server), workbookId: v.workbookId, name: v.workbookName };
    if (this.shared && this.session && !v) return { api: this.shared.api, workbookId: this.shared.workbookId, name: this.session.workbook.name };
    return null;
  }

  /** The steps of the open shared workbook's log, newest first (a page of them before `before`); sync.not-shared on a local workbook. */
  async workbookVersions(before?: number): Promise<Result<{ versions: VersionStep[]; lastSeq: number; more: boolean }>> {
    const target = this.sharedTarget();
    if (!target) return fail('sync.not-shared');
    return target.api.versions(target.workbookId, before);
  }

  /** The open shared workbook's records as they stood after version `seq`, read in chunks, as an archive. */
  private readVersion(target: { api: ServerApi; workbookId: Id }, seq: number): Promise<Result<WorkbookArchive>> {
    return readArchive((after) => target.api.versionRecords(target.workbookId, seq, after));
  }

  /**
   * Shows the open shared workbook as it stood after version `seq` of the server's log, read-only,
   * on the scenario shown (its baseline then when that scenario did not exist yet); nothing stored
   * or synced, every edit refused with version.read-only; closeView goes back.
   */
  async openVersion(seq: number, step: Pick<VersionStep, 'userName' | 'at'> | null = null): Promise<Result<void>> {
    const target = this.sharedTarget();
    const s = this.session;
    if (!target || !s) return fail('sync.not-shared');
    const leave = await this.canLeave();
    if (!leave.ok) return leave;
    const r = await this.readVersion(target, seq);
    if (!r.ok) return r;
    const archive = r.value;
    const wanted = this.viewing?.kind === 'version' ? this.viewing.scenarioId : s.scenarioId;
    const scenario = archive.scenarios.find((x) => x.id === wanted) ?? archive.scenarios.find((x) => x.id === archive.workbook.baselineScenarioId);
    if (!scenario) return fail('sync.empty-snapshot');
    const back = this.viewing ? this.viewing.back : s.workbook.id;
    const server = target.api.origin;
    await this.showReadOnly(
      archive,
      scenario.id,
      { code: 'version.read-only', params: { seq } },
      {
        kind: 'version',
        workbookId: target.workbookId,
        workbookName: archive.workbook.name,
        server,
        seq,
        step,
        scenarioId: scenario.id,
        scenarioName: scenario.name,
        back,
      },
    );
    return ok(undefined);
  }

  /**
   * Restores the scenario shown, as it stood after version `seq` (its baseline then when it did
   * not exist yet), as a new variant named `name` of the open shared workbook (db/scenario-repo
   * restoreScenarioOfVersion: the items and places its lines need that are gone now put back),
   * synced like any new variant; opens it and says in the notice what was done.
   */
  async restoreVersion(seq: number, name: string): Promise<Result<RestoredScenario>> {
    const target = this.sharedTarget();
    const s = this.session;
    if (!target || !s) return fail('sync.not-shared');
    if (!this.workbooks.some((w) => w.id === target.workbookId)) return fail('workbook.missing');
    const read = await this.readVersion(target, seq);
    if (!read.ok) return read;
    const wanted = this.viewing?.kind === 'version' ? this.viewing.scenarioId : s.scenarioId;
    const r = await this.scenarioStep(
      () => restoreScenarioOfVersion(this.db, target.workbookId, read.value, wanted, { name: name.trim() }),
      (x) => x.scenario.id,
    );
    if (!r.ok) return r;
    const { from, scenario, lines, nodes, places } = r.value;
    const params = { seq, from: from.name, name: scenario.name, lines: lines.length, items: nodes.length, places: places.length };
    this.notify('info', { problem: { code: nodes.length || places.length ? 'version.restored-items' : 'version.restored', params } });
    return r;
  }

  /** Leaves a read-only view for the workbook open before it (or the last one used). */
  async closeView(): Promise<void> {
    const back = this.viewing?.back;
    if (back && this.workbooks.some((w) => w.id === back)) await this.open(back);
    else await this.start();
  }

  /**
   * The province's answer to a submission waiting for it: returned with a comment (required by the
   * server) or approved. A submission answered meanwhile is refused with submission.answered.
   */
  async reviewSubmission(api: ServerApi, submissionId: string, answer: 'return' | 'approve', comment: string): Promise<Result<ServerSubmission>> {
    const r = await api.review(submissionId, answer, comment.trim());
    if (!r.ok) return refusalOf(r.error, { 'submission.state': 'submission.answered' });
    if (this.viewing?.kind === 'submission' && this.viewing.submission.id === submissionId) this.viewing = { ...this.viewing, submission: r.value.submission };
    return ok(r.value.submission);
  }

  /**
   * Brings each district's latest approved version (or, with 'submitted', its latest one sent and
   * not returned) of the open workbook's year into the open workbook, by district (a place per
   * district, domain/consolidate replaceDistrictLines: a district's lines are replaced, never
   * added to), as one undoable step; a district whose version is already in is left alone. From
   * then on the workbook follows its districts while open (see startFollowing).
   */
  async consolidateDistricts(api: ServerApi, mode: ConsolidationFollow['mode']): Promise<Result<ConsolidationOutcome>> {
    const s = this.session;
    if (!s || this.viewing || s.frozen) return fail('consolidate.read-only');
    const board = await this.provinceBoard(api);
    if (!board.ok) return board;
    const stored = (await getMeta(this.db, consolidationKey(s.workbook.id))) as ConsolidationFollow | undefined;
    const taken = stored?.mode === mode && stored.server === api.origin ? { ...stored.taken } : {};
    const outcome: ConsolidationOutcome = { districts: [], unchanged: [], missing: [], cleared: [] };
    const places = [...s.places];
    const nodes = [...s.tree.nodes];
    const change: Change = {};
    const wanted = new Set<string>(mode === 'approved' ? ['approved'] : ['approved', 'submitted']);
    for (const d of board.value) {
      let pick: ServerSubmission | null = null;
      for (const wb of d.workbooks.filter((w) => w.year === s.workbook.year)) {
        const list = await api.submissions(wb.id);
        if (!list.ok) return list;
        const found = list.value.submissions.find((x) => wanted.has(x.state));
        if (found && (!pick || found.submittedAt > pick.submittedAt)) pick = found;
      }
      if (!pick) {
        outcome.missing.push(d.name);
        // Lines brought in before (from a version this mode no longer takes) leave with it.
        const placed = districtPlaces(places, s.workbook, d.name, newId);
        const held = placed.added.length ? 0 : s.lines.filter((l) => l.placeId === placed.district.id).length;
        if (held) {
          const r = replaceDistrictLines({ workbookId: s.workbook.id, nodes, lines: s.lines }, { nodes: [], lines: [] }, placed.district.id, [], newId);
          change.lines = [...(change.lines ?? []), ...(r.change.lines ?? [])];
          outcome.cleared.push(d.name);
        }
        delete taken[d.id];
        continue;
      }
      if (taken[d.id] === pick.id) {
        outcome.unchanged.push(d.name);
        continue;
      }
      const archive = await this.readSubmission(api, pick.id);
      if (!archive.ok) return archive;
      const placed = districtPlaces(places, s.workbook, d.name, newId);
      places.push(...placed.added);
      const r = replaceDistrictLines({ workbookId: s.workbook.id, nodes, lines: s.lines }, archiveBaseline(archive.value), placed.district.id, placed.added, newId);
      for (const n of r.change.nodes ?? []) nodes.push(n.after!);
      change.lines = [...(change.lines ?? []), ...(r.change.lines ?? [])];
      change.nodes = [...(change.nodes ?? []), ...(r.change.nodes ?? [])];
      change.places = [...(change.places ?? []), ...(r.change.places ?? [])];
      outcome.districts.push({ name: d.name, submission: pick, added: r.added, updated: r.updated, removed: r.removed, duplicates: r.duplicates.length });
      taken[d.id] = pick.id;
    }
    if (!s.applyConsolidation(change)) return fail('consolidate.read-only');
    await s.flush();
    const follow: ConsolidationFollow = { mode, server: api.origin, taken };
    const saved = await setMeta(this.db, consolidationKey(s.workbook.id), follow);
    if (!saved.ok) return saved;
    if (this.session === s) {
      this.consolidation = follow;
      this.startFollowing();
    }
    return ok(outcome);
  }

  /** Looks at the districts' versions every followMs while the open workbook follows them, and brings in what is new (said in the notice bar, as is a failure). */
  private startFollowing(): void {
    this.stopFollowing();
    const tick = () => {
      if (!this.followRun) this.followRun = this.followOnce().finally(() => (this.followRun = null));
    };
    this.followTimer = setInterval(tick, this.followMs);
    tick();
  }

  /** Stops following the districts (another workbook opened, the page closing, a test ending). */
  stopFollowing(): void {
    if (this.followTimer) clearInterval(this.followTimer);
    this.followTimer = null;
  }

  private async followOnce(): Promise<void> {
    const c = this.consolidation;
    if (!c || this.viewing) return;
    const r = await this.consolidateDistricts(this.server(c.server), c.mode);
    if (!r.ok) {
      const key = r.error.code;
      if (this.followSaid !== key) this.notify('error', { problem: { code: 'consolidate.follow-failed', params: { reason: describeProblem(r.error, this.lang) } } });
      this.followSaid = key;
      return;
    }
    this.followSaid = null;
    const moved = [...r.value.districts.map((d) => d.name), ...r.value.cleared];
    if (moved.length) this.notify('info', { problem: { code: 'consolidate.followed', params: { districts: moved.join(', ') } } });
  }

  /** Waits for a look at the districts' versions under way (tests). */
  async followed(): Promise<void> {
    while (this.followRun) await this.followRun;
  }

  /**
   * The history of a line or item of the open shared workbook, newest first, from the server: who
   * changed it, when, in which version, and what each field held before and after; with `field`,
   * only the changes of that cell. Refused with sync.not-shared on a local workbook.
   */
  async history(target: { kind: 'line' | 'node'; id: Id }, field: string | null = null): Promise<Result<HistoryRow[]>> {
    const shared = this.shared;
    const s = this.session;
    if (!shared || !s) return fail('sync.not-shared');
    const r = await shared.api.history(shared.workbookId, target.kind, target.kind === 'line' ? s.scenarioId : '', target.id);
    if (!r.ok) return r;
    const rows: HistoryRow[] = r.value.entries.map((e) => ({
      seq: e.seq,
      userName: e.userName,
      at: e.at,
      what: e.before === null ? 'created' : e.after === null ? 'deleted' : 'edited',
      changes: changedFields(e.before, e.after).filter((c) => field === null || c.field === field),
    }));
    return ok(rows.filter((x) => field === null || x.what !== 'edited' || x.changes.length).reverse());
  }

  // ---- scenarios and versions of the open workbook ------------------------------------------  // ---- scenarios and versions of the open workbook ------------------------------------------

  /** The scenario deleted last, kept so the delete can be undone. */
  deletedScenario = $state.raw<ScenarioSnapshot | null>(null);

  /** Shows another scenario of the open workbook in the grid (same line selected, same scroll). */
  async switchScenario(scenarioId: Id): Promise<void> {
    if (!this.session || scenarioId === this.session.scenarioId) return;
    await this.open(this.session.workbook.id, scenarioId);
  }

  /** Copies a scenario or version as a new variant (a full, independent copy) and switches to it. */
  async createVariant(fromId: Id, name: string, note?: string): Promise<Result<Scenario>> {
    const s = this.session;
    // The scenario shown, all saved: copied and opened from the lines this tab holds.
    if (s && fromId === s.scenarioId) {
      const leave = await this.canLeave();
      return leave.ok ? this.variantOfShown(s, name, note) : leave;
    }
    return this.scenarioStep(
      () => copyScenario(this.db, this.session!.workbook.id, fromId, { kind: 'variant', name, note }),
      (s) => s.id,
    );
  }

  /**
   * A variant of the scenario on screen, made from what the session holds (its edits being saved):
   * a copy of 100 000 lines is neither read back to be written nor to be shown. The new session is
   * built and rolled up while the copy is written, and shown once the write has landed.
   */
  private async variantOfShown(s: WorkbookSession, name: string, note?: string): Promise<Result<Scenario>> {
    const held = s.held();
    const now = Date.now();
    const copy = copyScenarioRecords(held.workbook, held.scenario, held.rules, {
      id: crypto.randomUUID(),
      kind: 'variant',
      name,
      note,
      now,
      newId: () => crypto.randomUUID(),
    });
    const written = writeHeldCopy(this.db, held.workbook.id, held.scenario.id, copy, held.chunks);
    const chunks = new ChunkedLines(held.chunks);
    const workbook = { ...held.workbook, updatedAt: now };
    const data = { workbook, nodes: held.nodes, scenarios: [...held.scenarios, copy.scenario], lines: chunks.allLines(), places: held.places, rules: copy.rules };
    const next = new WorkbookSession(this.db, data, chunks, undefined, copy.scenario.id);
    const [r] = await Promise.all([written, next.ready]);
    if (!r.ok) {
      next.dispose();
      this.notify('error', { problem: r.error });
      return r;
    }
    this.sync.post({ workbookId: workbook.id, scenarioId: '', chunks: [] });
    await this.show(next);
    return r;
  }

  /** Freezes the current scenario as a version with a note; the grid stays on the scenario. */
  async saveVersion(name: string, note: string): Promise<Result<Scenario>> {
    return this.scenarioStep(
      () => copyScenario(this.db, this.session!.workbook.id, this.session!.scenarioId, { kind: 'version', name, note }),
      () => this.session!.scenarioId,
    );
  }

  /** Deletes a variant or version (undoable with undoDeleteScenario); shows the baseline if it was open. */
  async deleteScenario(id: Id): Promise<Result<ScenarioSnapshot>> {
    const showing = this.session!.scenarioId;
    const r = await this.scenarioStep(
      () => deleteScenario(this.db, this.session!.workbook.id, id),
      () => (showing === id ? this.session!.workbook.baselineScenarioId : showing),
    );
    if (r.ok) this.deletedScenario = r.value;
    return r;
  }

  /** Puts back the scenario deleted last. */
  async undoDeleteScenario(): Promise<Result<Scenario>> {
    const snap = this.deletedScenario;
    if (!snap) return fail('scenario.missing');
    const r = await this.scenarioStep(
      () => restoreScenario(this.db, snap),
      (s) => s.id,
    );
    if (r.ok) this.deletedScenario = null;
    return r;
  }

  /** Renames a scenario, sets its note or marks it adopted. */
  async updateScenario(id: Id, patch: { name?: string; note?: string; adopted?: boolean }): Promise<Result<Scenario>> {
    return this.scenarioStep(
      () => updateScenario(this.db, this.session!.workbook.id, id, patch),
      () => this.session!.scenarioId,
    );
  }

  /** Restores a version as the baseline; the previous baseline is kept as a version. Shows the new baseline. */
  async restoreAsBaseline(versionId: Id, names: { name: string; keptName: string }): Promise<Result<Scenario>> {
    return this.scenarioStep(
      () => restoreAsBaseline(this.db, this.session!.workbook.id, versionId, names),
      (s) => s.id,
    );
  }

  /**
   * One scenario of the open workbook as it is stored (pending edits saved first): its lines, rules,
   * and the workbook as that scenario sees it (its own counterpart ratios and projection settings).
   */
  async loadScenario(scenarioId: Id): Promise<{ workbook: Workbook; scenario: Scenario; nodes: TreeNode[]; lines: Line[]; places: Place[] } | null> {
    if (!this.session) return null;
    await this.session.flush();
    const loaded = await loadWorkbook(this.db, this.session.workbook.id, scenarioId);
    if (!loaded || loaded.scenarioId !== scenarioId) return null;
    const scenario = loaded.data.scenarios.find((s) => s.id === scenarioId)!;
    return { workbook: effectiveWorkbook(loaded.data.workbook, scenario), scenario, nodes: loaded.data.nodes, lines: loaded.data.lines, places: loaded.data.places ?? [] };
  }

  // ---- files: the plan as a spreadsheet, the whole workbook as a backup ---------------------

  /** The scenario shown, as the grid shows it, in a .xlsx or .csv file (user's unit, number format,
   * language). A large .xlsx is written in blocks, giving the page back between them. */
  async exportPlan(kind: 'xlsx' | 'csv', onProgress?: (done: number) => void): Promise<{ fileName: string; data: Uint8Array } | null> {
    const s = this.session;
    if (!s) return null;
    // The formulas' values of the latest edits are in the lines first (the worker answers in milliseconds).
    await s.formulasSettled();
    const data = { workbook: s.workbook, nodes: s.tree.nodes, scenarios: [s.scenario], lines: s.lines, places: s.places, rules: s.rules };
    const settings = { unit: this.unit, locale: this.locale, lang: this.lang };
    // The xlsx writer is loaded only when a spreadsheet is asked for.
    const bytes = kind === 'xlsx' ? await (await import('../io/export-xlsx')).exportPlanXlsx(data, settings, onProgress) : exportPlanCsv(data, settings);
    return { fileName: `${fileStem(s.workbook.name)}-${fileStem(s.scenario.name || 'goc')}.${kind}`, data: bytes };
  }

  /**
   * The open workbook with every scenario and version, as a JSON backup file. The scenario shown is
   * taken as this tab holds it, so a backup made when storage is full still has the latest edits.
   */
  async backupFile(): Promise<{ fileName: string; text: string } | null> {
    const s = this.session;
    if (!s) return null;
    await s.flush();
    const stored = await loadWorkbookArchive(this.db, s.workbook.id).catch(() => null);
    const archive = overlayScenario(stored, { workbook: s.workbook, scenario: s.scenario, nodes: s.tree.nodes, places: s.places, rules: s.rules, lines: s.lines });
    const day = new Date().toISOString().slice(0, 10);
    return { fileName: `${fileStem(archive.workbook.name)}-${day}.planbench.json`, text: writeBackup(archive) };
  }

  /** Runs a scenario operation after saving pending edits, then reopens the workbook on `show`. */
  private async scenarioStep<T>(op: () => Promise<Result<T>>, show: (value: T) => Id): Promise<Result<T>> {
    if (!this.session) return fail('workbook.missing');
    const leave = await this.canLeave();
    if (!leave.ok) return leave;
    const r = await op();
    if (!r.ok) {
      this.notify('error', { problem: r.error });
      return r;
    }
    this.sync.post({ workbookId: this.session.workbook.id, scenarioId: '', chunks: [] });
    await this.open(this.session.workbook.id, show(r.value));
    return r;
  }

  async refreshList(): Promise<void> {
    this.workbooks = await listWorkbooks(this.db);
  }

  /**
   * Stores a new workbook and opens it; a storage that refuses it (full, closed) is said, and the
   * open workbook stays. True when stored.
   */
  private async storeAndOpen(data: WorkbookData): Promise<boolean> {
    const r = await createWorkbook(this.db, data);
    if (!r.ok) {
      this.notify('error', { problem: r.error });
      return false;
    }
    await this.refreshList();
    await this.open(data.workbook.id);
    return true;
  }

  /** Creates a workbook with the program's default tree and opens it. */
  async createEmpty(name: string, year: number, office?: { province?: string; district?: string; issuer?: string }): Promise<void> {
    await this.storeAndOpen(buildEmptyWorkbook(name, year, Date.now(), officeFrom(office ?? {})));
  }

  /** A full, independent copy of a workbook under a new name. */
  async duplicate(id: Id, name: string): Promise<void> {
    await this.session?.flush();
    const loaded = await loadWorkbook(this.db, id);
    if (!loaded) return;
    await this.storeAndOpen(copyWorkbook(loaded.data, name));
  }

  /**
   * Drafts the open workbook's plan for next year (domain/next-year.ts) as a new workbook, saves it
   * and opens it; returns its id. On a problem nothing is created and the open workbook stays open;
   * the problem's amounts come formatted in đồng for the reader.
   */
  async draftNextYear(): Promise<Result<Id>> {
    const id = this.session?.workbook.id;
    if (!id) return fail('workbook.missing');
    await this.session?.flush();
    const loaded = await loadWorkbook(this.db, id);
    if (!loaded) return fail('workbook.missing');
    const { workbook } = loaded.data;
    const draft = draftNextYear(loaded.data, { name: nextYearName(workbook.name, workbook.year + 1) });
    if (!draft.ok) return fail(draft.error.code, this.formatDong(draft.error.params));
    const stored = await createWorkbook(this.db, draft.value);
    if (!stored.ok) return fail(stored.error.code, stored.error.params);
    await this.refreshList();
    await this.open(draft.value.workbook.id);
    return ok(draft.value.workbook.id);
  }

  async rename(id: Id, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) return;
    if (this.session?.workbook.id === id) {
      this.session.rename(trimmed);
      await this.session.flush();
    } else {
      const wb = this.workbooks.find((w) => w.id === id);
      const r = wb ? await commitChange(this.db, { workbook: { ...wb, name: trimmed } }) : ok(undefined);
      if (!r.ok) this.notify('error', { problem: r.error });
    }
    await this.refreshList();
  }

  /** Deletes a workbook for good (the UI asks first); opens another, or the demo if none is left. */
  async remove(id: Id): Promise<void> {
    if (!(await this.deleteStored(id))) return;
    await this.refreshList();
    if (!this.session) {
      if (this.workbooks.length === 0) {
        await this.storeAndOpen(buildDemoWorkbook());
        return;
      }
      await this.open(this.workbooks[0].id);
    }
  }

  /**
   * Deletes a workbook's records; the open session closes only once they are gone. A storage that
   * refuses is said, and the workbook stays open as it was. True when deleted.
   */
  private async deleteStored(id: Id): Promise<boolean> {
    const open = this.session?.workbook.id === id ? this.session : null;
    await open?.flush();
    const r = await deleteWorkbook(this.db, id);
    if (!r.ok) {
      this.notify('error', { problem: r.error });
      return false;
    }
    if (open) {
      open.dispose();
      this.stopFollowing();
      this.shared?.stop();
      this.shared = null;
      this.session = null;
    }
    return true;
  }

  /** Replaces the demo workbook(s) with a fresh copy of the demo, leaving other workbooks alone. */
  async resetDemo(): Promise<void> {
    await this.session?.flush();
    for (const wb of this.workbooks.filter((w) => w.demo)) if (!(await this.deleteStored(wb.id))) return;
    await this.storeAndOpen(buildDemoWorkbook());
  }

  // ---- imports (ui/import) ------------------------------------------------------------------

  /** Column mappings the user chose, by header template (io/column-map templateKey), from the meta store. */
  async importTemplates(): Promise<Record<string, ColumnRole[]>> {
    return ((await getMeta(this.db, IMPORT_TEMPLATES)) as Record<string, ColumnRole[]> | undefined) ?? {};
  }

  /** Remembers a mapping for files with the same headers. */
  async saveImportTemplate(templateKey: string, columns: ColumnRole[]): Promise<void> {
    const r = await setMeta(this.db, IMPORT_TEMPLATES, { ...(await this.importTemplates()), [templateKey]: columns });
    // The import itself is done; only the remembered mapping is not: said all the same.
    if (!r.ok) this.notify('error', { problem: r.error });
  }

  /** Restores a backup (io/backup readBackup) as a new workbook, in one transaction, and opens it. */
  async restoreArchive(archive: WorkbookArchive): Promise<Result<Id>> {
    await this.session?.flush();
    const r = await restoreBackup(this.db, archive);
    if (!r.ok) return r;
    await this.refreshList();
    await this.open(r.value.workbook.id);
    return ok(r.value.workbook.id);
  }

  /** Problem params with every amount (a number) written out in đồng, as a sentence needs it. */
  private formatDong(params: Problem['params']): Problem['params'] {
    if (!params) return params;
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? `${formatAmount(v, 'dong', this.locale)} đồng` : v]));
  }

  /**
   * Stores a generated workbook of n lines and returns its id (benchmarks and large-data checks,
   * where a storage refusal is a broken run: it throws, with the problem's code). `chunkSize` stores
   * it as older workbooks were (1 000 lines to a chunk).
   */
  async generate(n: number, chunkSize?: number): Promise<Id> {
    const data = buildGeneratedWorkbook(n);
    const r = await createWorkbook(this.db, data, chunkSize);
    if (!r.ok) throw new Error(`generate: ${r.error.code} ${JSON.stringify(r.error.params ?? {})}`);
    await this.refreshList();
    return data.workbook.id;
  }
}

export { DEMO_NAME };
export type { ServerApi, ServerDistrict, ServerSubmission, ServerUser, ServerWorkbook };
