// Every write of db/ when the browser refuses it (storage full, or any other failure): a Result with
// the write's own problem code, never a rejection, and the database exactly as it was. Then the app
// state's callers: each refusal reaches the notice bar, and the open workbook stays.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type PlanbenchDB } from '../../src/db/database';
import { commitChange, createWorkbook, deleteWorkbook, getMeta, listWorkbooks, loadWorkbook, setMeta } from '../../src/db/workbook-repo';
import { copyScenario, deleteScenario, restoreAsBaseline, restoreScenario, updateScenario, writeHeldCopy } from '../../src/db/scenario-repo';
import { loadWorkbookArchive, restoreBackup } from '../../src/db/backup-repo';
import { buildDemoWorkbook, buildEmptyWorkbook } from '../../src/domain/demo';
import { copyScenarioRecords } from '../../src/domain/scenarios';
import type { Problem, Result } from '../../src/domain/model';
import { AppState } from '../../src/state/app.svelte';

let seq = 0;
const opened: PlanbenchDB[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function freshDb(): PlanbenchDB {
  const db = openDatabase(`refusals-${Date.now()}-${seq++}`);
  opened.push(db);
  return db;
}

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected a success, got ${r.error.code}`);
  return r.value;
};

/** A demo workbook with a variant, a frozen version, a deleted variant (its snapshot) and a meta fact. */
async function stocked() {
  const db = freshDb();
  const demo = buildDemoWorkbook();
  value(await createWorkbook(db, demo));
  const wbId = demo.workbook.id;
  const baseId = demo.workbook.baselineScenarioId;
  const variant = value(await copyScenario(db, wbId, baseId, { kind: 'variant', name: 'Phương án B' }));
  const version = value(await copyScenario(db, wbId, baseId, { kind: 'version', name: 'Bản gửi Sở' }));
  const doomed = value(await copyScenario(db, wbId, baseId, { kind: 'variant', name: 'Bỏ' }));
  const deleted = value(await deleteScenario(db, wbId, doomed.id));
  value(await setMeta(db, 'lastWorkbookId', wbId));
  return { db, demo, wbId, baseId, variant, version, deleted };
}

type Stock = Awaited<ReturnType<typeof stocked>>;

/** Every record of every table: what "the database as it was" means. */
async function dumpAll(db: PlanbenchDB) {
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) out[t.name] = await t.toArray();
  return out;
}

const STORE = IDBObjectStore.prototype as unknown as Record<'put' | 'add' | 'delete', unknown>;

/** Runs `body` while the browser refuses every put, add and (unless told otherwise) delete with `error`. */
async function refusing<T>(error: () => Error, body: () => Promise<T>, methods: readonly ('put' | 'add' | 'delete')[] = ['put', 'add', 'delete']): Promise<T> {
  const saved = { put: STORE.put, add: STORE.add, delete: STORE.delete };
  for (const m of methods)
    STORE[m] = () => {
      throw error();
    };
  try {
    return await body();
  } finally {
    Object.assign(STORE, saved);
  }
}

const FULL = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
const BROKEN = () => new DOMException('The disk went away.', 'UnknownError');

/** Each exported write of db/, run on the stocked database, with the problem it gives when storage is full. */
const WRITES: { name: string; run: (s: Stock) => Promise<Result<unknown>>; quota: (s: Stock) => Problem }[] = [
  {
    name: 'createWorkbook',
    run: ({ db }) => createWorkbook(db, buildEmptyWorkbook('Sổ mới', 2025, 1)),
    quota: () => ({ code: 'db.quota-create', params: { name: 'Sổ mới' } }),
  },
  { name: 'deleteWorkbook', run: ({ db, wbId }) => deleteWorkbook(db, wbId), quota: () => ({ code: 'db.quota-delete' }) },
  { name: 'setMeta', run: ({ db }) => setMeta(db, 'lastWorkbookId', 'another'), quota: () => ({ code: 'db.quota-meta' }) },
  {
    name: 'commitChange',
    run: ({ db, demo }) => commitChange(db, { putNodes: [{ ...demo.nodes[0], name: 'Đổi tên' }] }),
    quota: () => ({ code: 'db.quota' }),
  },
  {
    name: 'restoreBackup',
    run: async ({ db, wbId }) => restoreBackup(db, (await loadWorkbookArchive(db, wbId))!, { name: 'Khôi phục' }),
    quota: () => ({ code: 'db.quota-create', params: { name: 'Khôi phục' } }),
  },
  {
    name: 'copyScenario',
    run: ({ db, wbId, baseId }) => copyScenario(db, wbId, baseId, { kind: 'variant', name: 'C' }),
    quota: () => ({ code: 'db.quota-scenario' }),
  },
  {
    name: 'writeHeldCopy',
    run: async ({ db, wbId, baseId }) => {
      const { data, chunks } = (await loadWorkbook(db, wbId))!;
      const scenario = data.scenarios.find((x) => x.id === baseId)!;
      const copy = copyScenarioRecords(data.workbook, scenario, data.rules ?? [], {
        id: crypto.randomUUID(),
        kind: 'variant',
        name: 'D',
        now: 1,
        newId: () => crypto.randomUUID(),
      });
      return writeHeldCopy(db, wbId, baseId, copy, chunks.byChunk());
    },
    quota: () => ({ code: 'db.quota-scenario' }),
  },
  { name: 'deleteScenario', run: ({ db, wbId, variant }) => deleteScenario(db, wbId, variant.id), quota: () => ({ code: 'db.quota-scenario' }) },
  { name: 'restoreScenario', run: ({ db, deleted }) => restoreScenario(db, deleted), quota: () => ({ code: 'db.quota-scenario' }) },
  {
    name: 'updateScenario',
    run: ({ db, wbId, variant }) => updateScenario(db, wbId, variant.id, { name: 'Phương án B2', adopted: true }),
    quota: () => ({ code: 'db.quota-scenario' }),
  },
  {
    name: 'restoreAsBaseline',
    run: ({ db, wbId, version }) => restoreAsBaseline(db, wbId, version.id, { name: 'Gốc mới', keptName: 'Gốc cũ' }),
    quota: () => ({ code: 'db.quota-scenario' }),
  },
];

describe('a write the browser refuses', () => {
  for (const w of WRITES) {
    it(`${w.name}: storage full gives its quota problem, and nothing is written`, async () => {
      const s = await stocked();
      const before = await dumpAll(s.db);
      const r = await refusing(FULL, () => w.run(s));
      expect(r).toEqual({ ok: false, error: w.quota(s) });
      expect(await dumpAll(s.db)).toEqual(before);
      // Space is back: the same write lands.
      expect((await w.run(s)).ok).toBe(true);
      expect(await dumpAll(s.db)).not.toEqual(before);
    });

    it(`${w.name}: any other failure gives db.write-failed with what the browser said, and nothing is written`, async () => {
      const s = await stocked();
      const before = await dumpAll(s.db);
      const r = await refusing(BROKEN, () => w.run(s));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('db.write-failed');
        expect(String(r.error.params?.detail)).toContain('UnknownError');
      }
      expect(await dumpAll(s.db)).toEqual(before);
    });
  }

  it('createWorkbook given a record of another workbook (a bug) writes nothing and says so as a value', async () => {
    const db = freshDb();
    const demo = buildDemoWorkbook();
    const r = await createWorkbook(db, { ...demo, nodes: [...demo.nodes, { ...demo.nodes[0], id: 'stray', workbookId: 'other' }] });
    expect(r.ok ? null : r.error.code).toBe('db.write-failed');
    expect(r.ok ? '' : String(r.error.params?.detail)).toMatch(/stray/);
    expect(await db.workbooks.count()).toBe(0);
  });
});

// A function, so that the checks after the call read the notice anew (no narrowing to null).
function clearNotice(app: AppState): void {
  app.notice = null;
}

describe('the app says every refusal and keeps the open workbook', () => {
  async function started() {
    const name = `refusals-app-${Date.now()}-${seq++}`;
    const app = new AppState(name);
    await app.start();
    return { app, name, session: app.session! };
  }

  it('a new workbook or a copy: "not created", the open one stays', async () => {
    const { app, session } = await started();
    for (const attempt of [() => app.createEmpty('Không lưu được', 2025), () => app.duplicate(session.workbook.id, 'Bản sao')]) {
      clearNotice(app);
      await refusing(FULL, attempt);
      expect(app.notice?.kind).toBe('error');
      expect(app.notice?.problem?.code).toBe('db.quota-create');
      expect(app.session).toBe(session);
    }
    expect(app.workbooks.map((w) => w.name)).toEqual([session.workbook.name]);
    session.dispose();
  });

  it('deleting or resetting a workbook storage refuses: said, and it stays open and listed', async () => {
    const { app, session } = await started();
    for (const attempt of [() => app.remove(session.workbook.id), () => app.resetDemo()]) {
      clearNotice(app);
      await refusing(FULL, attempt);
      expect(app.notice?.problem?.code).toBe('db.quota-delete');
      expect(app.session).toBe(session);
      await app.refreshList();
      expect(app.workbooks.map((w) => w.id)).toEqual([session.workbook.id]);
    }
    session.dispose();
  });

  it('renaming a workbook that is not open, refused: said, and the name stays', async () => {
    const { app, session } = await started();
    await app.createEmpty('Sổ thứ hai', 2025);
    const second = app.session!;
    await refusing(FULL, () => app.rename(session.workbook.id, 'Tên mới'));
    expect(app.notice?.problem?.code).toBe('db.quota');
    await app.refreshList();
    expect(app.workbooks.map((w) => w.name)).not.toContain('Tên mới');
    second.dispose();
  });

  it('a column mapping that cannot be remembered: said', async () => {
    const { app, session } = await started();
    await refusing(FULL, () => app.saveImportTemplate('stt|noi dung|ke hoach', [{ field: 'code' }, { field: 'name' }, { field: 'plan' }]));
    expect(app.notice?.problem?.code).toBe('db.quota-meta');
    expect(await app.importTemplates()).toEqual({});
    session.dispose();
  });

  it('a version storage refuses: said in words that fit a scenario, the grid stays', async () => {
    const { app, session } = await started();
    const r = await refusing(FULL, () => app.saveVersion('Bản gửi Sở', ''));
    expect(r.ok ? null : r.error.code).toBe('db.quota-scenario');
    expect(app.notice?.problem?.code).toBe('db.quota-scenario');
    expect(app.session).toBe(session);
    expect(session.scenarios.map((x) => x.name)).not.toContain('Bản gửi Sở');
    session.dispose();
  });

  it('a first visit whose demo cannot be stored: said, with no rejection and nothing open', async () => {
    const name = `refusals-first-${Date.now()}-${seq++}`;
    const app = new AppState(name);
    await refusing(FULL, () => app.start());
    expect(app.notice?.problem).toEqual({ code: 'db.quota-create', params: { name: buildDemoWorkbook().workbook.name } });
    expect(app.session).toBeNull();
    expect(app.loading).toBe(false);
    expect(await listWorkbooks(openDatabase(name))).toEqual([]);
  });

  it('the workbook and scenario to reopen are bookkeeping: a refusal there is not a notice', async () => {
    const { app, name, session } = await started();
    await app.createEmpty('Sổ thứ hai', 2025);
    const second = app.session!;
    clearNotice(app);
    await refusing(FULL, () => app.open(session.workbook.id));
    expect(app.notice).toBeNull();
    expect(app.session!.workbook.id).toBe(session.workbook.id);
    // What is remembered is still the last one storage took.
    expect(await getMeta(openDatabase(name), 'lastWorkbookId')).toBe(second.workbook.id);
    app.session!.dispose();
  });
});
