// Thin Comlink wrapper: exposes the recalculation service; results go back as transferred columns.

import * as Comlink from 'comlink';
import { createRecalcService } from '../src/engine/recalc-core';
import { rollupBuffers, type ColumnEdit, type PlanColumns } from '../src/domain/rollup';
import { columnsBuffers, type AllocationRequest } from '../src/domain/allocate-columns';

const service = createRecalcService();

Comlink.expose({
  load(cols: PlanColumns) {
    const r = service.load(cols);
    return Comlink.transfer(r, rollupBuffers(r));
  },
  edit(edits: ColumnEdit[]) {
    const r = service.edit(edits);
    return Comlink.transfer(r, rollupBuffers(r));
  },
  allocate(req: AllocationRequest) {
    const r = service.allocate(req);
    return r.ok ? Comlink.transfer(r, columnsBuffers(r.value)) : r;
  },
});
