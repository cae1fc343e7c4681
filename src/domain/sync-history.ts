// A shared workbook's earlier states: one record as it stood after any operation of the log, its
// changes applied again in the server's order with the rule the server applied them with
// (applyRecordEdit), from absent. The server keeps each record's content after every operation
// since its schema 005; this is how it reads a record whose operations came before that.

import { applyRecordEdit, type RecordEdit, type SyncedRecord } from './sync';

/** One change of a record in the log: the operation's sequence and the record's two ends in it. */
export interface LoggedEdit {
  seq: number;
  edit: RecordEdit;
}

/**
 * The record as it stood once every operation up to `atSeq` was applied: `changes` (the record's
 * own, oldest first, several in one operation in their order) folded from absent; null when it did
 * not exist then. Its `seq` is the last operation up to `atSeq` that changed it.
 */
export function recordAfter(changes: readonly LoggedEdit[], atSeq: number): SyncedRecord | null {
  let data: unknown | null = null;
  let seq = 0;
  for (const c of changes) {
    if (c.seq > atSeq) break;
    data = applyRecordEdit(data, c.edit).value;
    seq = c.seq;
  }
  return data === null ? null : { data, seq };
}
