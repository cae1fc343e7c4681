// The IndexedDB schema (Dexie): its tables and versions, the chunk record lines are stored in, and
// what this connection does when another tab upgrades or deletes the database.
// db/ is the only folder that imports Dexie.

import Dexie, { type DexieOptions, type Table } from 'dexie';
import type { AllocationRuleRecord, Id, Line, Place, Scenario, TreeNode, Workbook } from '../domain/model';
import type { ServerConflict, SyncOperation } from '../domain/sync';
import type { Change } from '../domain/edit';
import { DEFAULT_CRITERIA } from '../domain/model';

/**
 * Up to CHUNK_SIZE lines of one scenario, stored as one record keyed by [scenarioId+no], so an edit
 * rewrites one record and never the whole workbook (one record per line is too slow at scale).
 * Chunks written before CHUNK_SIZE was 100 hold up to 1 000 lines until an edit touches them: that
 * edit's transaction splits them (see line-chunks.ts). No schema change: the size is not part of it.
 */
export interface LineChunk {
  scenarioId: Id;
  workbookId: Id;
  no: number;
  lines: Line[];
}

/** An app-level fact (last opened workbook, demo seeded), one record per key. */
export interface MetaRecord {
  key: string;
  value: unknown;
}

/** An operation of a shared workbook waiting to be sent, in the order made (`order`), until the server's log gives it back. */
export interface OutboxEntry {
  order?: number;
  workbookId: Id;
  opId: string;
  op: SyncOperation;
}

/** A conflict the server reported, and what a person here made of it. */
export interface SharedConflict extends ServerConflict {
  /** Open, or decided here or (decidedBy, decidedAt) by someone else. */
  state: 'open' | 'confirmed' | 'reversed';
  /** Decided here and not yet taken by the server (offline): sent again by the next round. */
  unsent?: boolean;
  /** Decided by someone else and not yet dismissed here: shown under the open conflicts. */
  news?: boolean;
}

/** A workbook shared on a server: where, the last server sequence this browser holds, the conflicts reported. */
export interface ShareRecord {
  workbookId: Id;
  /** The server's origin ("https://planbench.example.vn"). */
  server: string;
  /** The office the workbook belongs to on the server. */
  orgName: string;
  lastSeq: number;
  /** The last operation sequence whose conflicts were read. */
  conflictSeq: number;
  conflicts: SharedConflict[];
  sharedAt: number;
}

/**
 * A record of a shared workbook as the server holds it, kept while operations of this browser that
 * change it wait in the outbox (null: the server does not have it); the browser's own record is
 * this with those operations applied (see sync-repo.ts).
 */
export interface SyncShadow {
  workbookId: Id;
  /** recordKey(kind, scope, id) of domain/sync.ts. */
  key: string;
  data: unknown;
}

/**
 * One step of a scenario's undo history, kept so that undo survives a reload: the change made, the
 * cell it selects (the grid's own shape, `F`), and whether it is done (undo takes it back) or
 * undone (redo makes it again). `seq` orders the steps (the time it was made, in thousandths of a
 * millisecond: two tabs writing the same scenario's history do not collide).
 */
export interface UndoStepRecord<F = unknown> {
  scenarioId: Id;
  workbookId: Id;
  seq: number;
  side: 'done' | 'undone';
  change: Change;
  focus: F | null;
}

/** The database schema version; separate from any file format version. Raise it with an upgrade. */
export const SCHEMA_VERSION = 5;

export class PlanbenchDB extends Dexie {
  // `declare`: Dexie creates the table properties in version().stores(); a class field would shadow them.
  declare workbooks: Table<Workbook, Id>;
  declare nodes: Table<TreeNode, Id>;
  declare scenarios: Table<Scenario, Id>;
  declare lineChunks: Table<LineChunk, [Id, number]>;
  declare meta: Table<MetaRecord, string>;
  declare places: Table<Place, Id>;
  declare rules: Table<AllocationRuleRecord, Id>;
  declare outbox: Table<OutboxEntry, number>;
  declare shares: Table<ShareRecord, Id>;
  declare syncShadows: Table<SyncShadow, [Id, string]>;
  declare undoSteps: Table<UndoStepRecord, [Id, number]>;

  /**
   * Called after another connection (usually another tab with a newer build) asked to upgrade
   * (`newVersion` = its IndexedDB version) or delete (`newVersion` = null) this database. By then
   * this connection is already closed for good, so the upgrade is not blocked and this tab cannot
   * write records under an outdated schema; later reads and writes fail (every write returns
   * 'db.write-failed'). Everything committed before stays saved: the UI should ask for a reload.
   */
  onVersionChange: ((newVersion: number | null) => void) | null = null;

  constructor(name: string, options?: DexieOptions) {
    super(name, options);
    // Version 1 (first release): workbooks, the budget-line tree, scenarios, chunked lines, meta.
    this.version(1).stores({
      workbooks: 'id, updatedAt',
      nodes: 'id, workbookId',
      scenarios: 'id, workbookId',
      lineChunks: '[scenarioId+no], scenarioId, workbookId',
      meta: 'key',
    });
    // Version 2: places with criterion values, and allocation rules; workbooks gain their
    // criteria columns and counterpart ratios.
    this.version(2)
      .stores({ places: 'id, workbookId', rules: 'id, workbookId, scenarioId' })
      .upgrade((tx) =>
        tx
          .table('workbooks')
          .toCollection()
          .modify((wb: Workbook) => {
            wb.criteria ??= DEFAULT_CRITERIA.map((c) => ({ ...c }));
            wb.counterpart ??= [];
          }),
      );
    // Version 3: scenarios become first-class (baseline, variants, frozen versions): indexed by
    // kind; older records get theirs (the workbook's baselineScenarioId is the baseline).
    this.version(3)
      .stores({ scenarios: 'id, workbookId, kind' })
      .upgrade(async (tx) => {
        const baselines = new Set((await tx.table('workbooks').toArray()).map((wb: Workbook) => wb.baselineScenarioId));
        await tx
          .table('scenarios')
          .toCollection()
          .modify((s: Scenario) => {
            s.kind ??= baselines.has(s.id) ? 'baseline' : 'variant';
          });
      });
    // Version 4: shared workbooks: the operations waiting to be sent, where each workbook is
    // shared, and the server's copy of records this browser changed meanwhile. Nothing to migrate:
    // every workbook stored before is local.
    this.version(4).stores({ outbox: '++order, workbookId, &opId', shares: 'workbookId', syncShadows: '[workbookId+key], workbookId' });
    // Version 5: each scenario's undo history, so that undo survives a reload. Nothing to migrate:
    // a history starts with the first step made after the upgrade.
    this.version(5).stores({ undoSteps: '[scenarioId+seq], scenarioId, workbookId, [scenarioId+side]' });
    this.on('versionchange', (event: IDBVersionChangeEvent) => {
      // Dexie's default would close and silently reopen on the next query, which then fails with a
      // VersionError; closing with auto-open disabled makes every later call fail plainly instead.
      this.close();
      this.onVersionChange?.(event.newVersion ?? null);
      return false;
    });
  }
}

/** A connection to the named database (opened lazily by the first query); each name is independent. */
export function openDatabase(name = 'planbench', options?: DexieOptions): PlanbenchDB {
  return new PlanbenchDB(name, options);
}
