// Thin Comlink wrapper: exposes the recalculation service; results go back as transferred columns.

import * as Comlink from 'comlink';
import { createRecalcService } from '../src/engine/recalc-core';
import { rollupBuffers, type ColumnEdit, type PlanColumns } from '../src/domain/rollup';

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
  allocate: service.allocate,
});
