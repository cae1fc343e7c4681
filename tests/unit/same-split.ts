// A check shared by the property tests of the columnar entry point: the columns split exactly as the
// object form does, parts and failures alike.
import { expect } from 'vitest';
import { fromColumns, splitColumns, type AllocationRequest, type AllocationResult } from '../../src/domain/allocate';
import type { Result } from '../../src/domain/model';

/** Expects splitColumns(req) to give `objects` (the object form's result); true when that is a split. */
export function expectSameSplit(objects: Result<AllocationResult>, req: AllocationRequest): boolean {
  const columns = splitColumns(req);
  if (objects.ok && columns.ok) {
    expect(fromColumns(req.ids, columns.value)).toEqual(objects.value);
    return true;
  }
  expect(columns).toEqual(objects);
  return false;
}
