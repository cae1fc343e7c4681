// App-wide state: the database, the list of workbooks, the open workbook session, view settings
// (language, display unit, number format) that persist in this browser, and the notice shown to the user.

import type { AmountUnit, Id, Lang, NumberLocale, Problem, Workbook, WorkbookData } from '../domain/model';
import { buildDemoWorkbook, buildEmptyWorkbook, buildGeneratedWorkbook, DEMO_NAME } from '../domain/demo';
import { newId } from '../domain/ids';
import { openDatabase, type PlanbenchDB } from '../db/database';
import { createWorkbook, deleteWorkbook, getMeta, listWorkbooks, loadWorkbook, setMeta, commitChange } from '../db/workbook-repo';
import { WorkbookSession } from './session.svelte';

export interface Notice {
  kind: 'info' | 'error';
  /** Sentence already in the user's language, or a problem to describe. */
  text?: string;
  problem?: Problem;
  id: number;
}

const PREFS_KEY = 'planbench.prefs';
const LAST_WORKBOOK = 'lastWorkbookId';

interface Prefs {
  lang: Lang;
  unit: AmountUnit;
  locale: NumberLocale;
}

function loadPrefs(): Prefs {
  const fallback: Prefs = { lang: 'vi', unit: 'trieu', locale: 'vi' };
  try {
    const raw = globalThis.localStorage?.getItem(PREFS_KEY);
    if (!raw) return fallback;
    const p = JSON.parse(raw) as Partial<Prefs>;
    return {
      lang: p.lang === 'en' ? 'en' : 'vi',
      unit: (['dong', 'nghin', 'trieu', 'ty'] as const).includes(p.unit as AmountUnit) ? (p.unit as AmountUnit) : 'trieu',
      locale: p.locale === 'en' ? 'en' : 'vi',
    };
  } catch {
    return fallback;
  }
}

export class AppState {
  lang = $state<Lang>('vi');
  unit = $state<AmountUnit>('trieu');
  locale = $state<NumberLocale>('vi');
  workbooks = $state.raw<Workbook[]>([]);
  session = $state.raw<WorkbookSession | null>(null);
  notice = $state<Notice | null>(null);
  /** Set when another tab upgraded the database: this tab must reload. */
  needsReload = $state(false);
  loading = $state(true);
  private db: PlanbenchDB;
  private noticeSeq = 0;

  constructor(dbName = 'planbench') {
    const prefs = loadPrefs();
    this.lang = prefs.lang;
    this.unit = prefs.unit;
    this.locale = prefs.locale;
    this.db = openDatabase(dbName);
    this.db.onVersionChange = () => {
      this.needsReload = true;
    };
  }

  /** Opens the last workbook used, or the demo when the browser holds none. */
  async start(): Promise<void> {
    this.workbooks = await listWorkbooks(this.db);
    if (this.workbooks.length === 0) {
      await createWorkbook(this.db, buildDemoWorkbook());
      this.workbooks = await listWorkbooks(this.db);
    }
    const last = (await getMeta(this.db, LAST_WORKBOOK)) as Id | undefined;
    const target = this.workbooks.find((w) => w.id === last) ?? this.workbooks[0];
    await this.open(target.id);
    this.loading = false;
  }

  savePrefs(): void {
    try {
      globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify({ lang: this.lang, unit: this.unit, locale: this.locale }));
    } catch {
      // Private mode or storage disabled: the settings simply last for this visit.
    }
  }

  notify(kind: Notice['kind'], content: { text?: string; problem?: Problem }): void {
    this.notice = { kind, ...content, id: ++this.noticeSeq };
  }

  async open(id: Id): Promise<void> {
    await this.session?.flush();
    const loaded = await loadWorkbook(this.db, id);
    if (!loaded) {
      this.notify('error', { problem: { code: 'workbook.missing' } });
      return;
    }
    this.session?.dispose();
    const session = new WorkbookSession(this.db, loaded.data, loaded.chunks);
    this.session = session;
    await setMeta(this.db, LAST_WORKBOOK, id);
    await session.ready;
  }

  async refreshList(): Promise<void> {
    this.workbooks = await listWorkbooks(this.db);
  }

  /** Creates a workbook with the program's default tree and opens it. */
  async createEmpty(name: string, year: number): Promise<void> {
    const data = buildEmptyWorkbook(name, year);
    await createWorkbook(this.db, data);
    await this.refreshList();
    await this.open(data.workbook.id);
  }

  /** A full, independent copy of a workbook under a new name. */
  async duplicate(id: Id, name: string): Promise<void> {
    await this.session?.flush();
    const loaded = await loadWorkbook(this.db, id);
    if (!loaded) return;
    const copy = copyWorkbook(loaded.data, name);
    await createWorkbook(this.db, copy);
    await this.refreshList();
    await this.open(copy.workbook.id);
  }

  async rename(id: Id, name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) return;
    if (this.session?.workbook.id === id) {
      this.session.rename(trimmed);
      await this.session.flush();
    } else {
      const wb = this.workbooks.find((w) => w.id === id);
      if (wb) await commitChange(this.db, { workbook: { ...wb, name: trimmed } });
    }
    await this.refreshList();
  }

  /** Deletes a workbook for good (the UI asks first); opens another, or the demo if none is left. */
  async remove(id: Id): Promise<void> {
    if (this.session?.workbook.id === id) {
      await this.session.flush();
      this.session.dispose();
      this.session = null;
    }
    await deleteWorkbook(this.db, id);
    await this.refreshList();
    if (!this.session) {
      if (this.workbooks.length === 0) await createWorkbook(this.db, buildDemoWorkbook());
      await this.refreshList();
      await this.open(this.workbooks[0].id);
    }
  }

  /** Replaces the demo workbook(s) with a fresh copy of the demo, leaving other workbooks alone. */
  async resetDemo(): Promise<void> {
    await this.session?.flush();
    for (const wb of this.workbooks.filter((w) => w.demo)) {
      if (this.session?.workbook.id === wb.id) {
        this.session.dispose();
        this.session = null;
      }
      await deleteWorkbook(this.db, wb.id);
    }
    const demo = buildDemoWorkbook();
    await createWorkbook(this.db, demo);
    await this.refreshList();
    await this.open(demo.workbook.id);
  }

  /** Creates and opens a generated workbook of n lines (benchmarks and large-data checks). */
  async generate(n: number): Promise<Id> {
    const data = buildGeneratedWorkbook(n);
    await createWorkbook(this.db, data);
    await this.refreshList();
    return data.workbook.id;
  }
}

/** A deep copy of a workbook with fresh ids everywhere, links between records preserved. */
export function copyWorkbook(data: WorkbookData, name: string): WorkbookData {
  const now = Date.now();
  const wbId = newId();
  const nodeIds = new Map(data.nodes.map((n) => [n.id, newId()]));
  const scenarioIds = new Map(data.scenarios.map((s) => [s.id, newId()]));
  const placeIds = new Map((data.places ?? []).map((p) => [p.id, newId()]));
  return {
    workbook: {
      ...structuredClone(data.workbook),
      id: wbId,
      name,
      createdAt: now,
      updatedAt: now,
      demo: false,
      baselineScenarioId: scenarioIds.get(data.workbook.baselineScenarioId) ?? newId(),
    },
    nodes: data.nodes.map((n) => ({
      ...structuredClone(n),
      id: nodeIds.get(n.id)!,
      workbookId: wbId,
      parentId: n.parentId === null ? null : (nodeIds.get(n.parentId) ?? null),
    })),
    scenarios: data.scenarios.map((s) => ({ ...s, id: scenarioIds.get(s.id)!, workbookId: wbId, createdAt: now })),
    lines: data.lines.map((l) => ({
      ...structuredClone(l),
      id: newId(),
      nodeId: nodeIds.get(l.nodeId) ?? l.nodeId,
      placeId: l.placeId === null ? null : (placeIds.get(l.placeId) ?? l.placeId),
    })),
    places: (data.places ?? []).map((p) => ({
      ...structuredClone(p),
      id: placeIds.get(p.id)!,
      workbookId: wbId,
      parentId: p.parentId === null ? null : (placeIds.get(p.parentId) ?? null),
    })),
    rules: (data.rules ?? []).map((r) => ({
      ...structuredClone(r),
      id: newId(),
      workbookId: wbId,
      scenarioId: scenarioIds.get(r.scenarioId) ?? r.scenarioId,
      nodeId: nodeIds.get(r.nodeId) ?? r.nodeId,
      overrides: Object.fromEntries(Object.entries(r.overrides).map(([pid, o]) => [placeIds.get(pid) ?? pid, { ...o }])),
    })),
  };
}

export { DEMO_NAME };
