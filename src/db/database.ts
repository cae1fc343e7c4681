// The IndexedDB schema (Dexie): tables, versions, and what happens when another tab upgrades it.
// The only folder that imports Dexie is db/.

import Dexie, { type Table } from 'dexie';
import type { Id, Line, Scenario, TreeNode, Workbook } from '../domain/model';

/** Up to CHUNK_SIZE lines of one scenario, stored as one record. */
export interface LineChunk {
  scenarioId: Id;
  workbookId: Id;
  no: number;
  lines: Line[];
}

export interface MetaRecord {
  key: string;
  value: unknown;
}

export const SCHEMA_VERSION = 1;

export class PlanbenchDB extends Dexie {
  workbooks!: Table<Workbook, Id>;
  nodes!: Table<TreeNode, Id>;
  scenarios!: Table<Scenario, Id>;
  lineChunks!: Table<LineChunk, [Id, number]>;
  meta!: Table<MetaRecord, string>;
  /**
   * Called when another tab opens a newer schema: this connection is closed so the upgrade is not
   * blocked, and the UI should ask the user to reload (everything saved so far is kept).
   */
  onVersionChange: (() => void) | null = null;

  constructor(name: string, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({
      workbooks: 'id, updatedAt',
      nodes: 'id, workbookId',
      scenarios: 'id, workbookId',
      lineChunks: '[scenarioId+no], scenarioId, workbookId',
      meta: 'key',
    });
    this.on('versionchange', () => {
      this.close();
      this.onVersionChange?.();
      return false;
    });
  }
}

/** Opens (lazily) the app's database; a distinct name gives an independent database. */
export function openDatabase(name = 'planbench', options?: ConstructorParameters<typeof Dexie>[1]): PlanbenchDB {
  return new PlanbenchDB(name, options);
}
