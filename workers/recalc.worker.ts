// Thin Comlink wrapper: exposes the recalculation service; results go back as transferred columns
// (the service's copies: it keeps its own roll-up, and an edit sends back only what changed).

import * as Comlink from 'comlink';
import { createRecalcService } from '../src/engine/recalc-core';
import type { ProjectionParams } from '../src/domain/projection';
import { rollupBuffers, type ColumnEdit, type PackedColumnEdits, type PlanColumns } from '../src/domain/rollup';
import { rollupUpdateBuffers } from '../src/domain/rollup-state';
import type { AllocationCall, CheckCall, EditAnswer } from '../src/engine/recalc-api';
import { formulaResultBuffers, type FormulaSpec } from '../src/domain/formula/column-formulas';
import type { FormulaField } from '../src/domain/model';
import { columnsBuffers } from '../src/domain/allocate-columns';
import { comparisonBuffers, type CompareRequest } from '../src/domain/compare';

const service = createRecalcService();

/** An edit's answer, its arrays moved rather than cloned. */
const sendAnswer = (a: EditAnswer) => Comlink.transfer(a, [...rollupUpdateBuffers(a), ...(a.formulas ? formulaResultBuffers(a.formulas) : [])]);

Comlink.expose({
  load(cols: PlanColumns) {
    const r = service.load(cols);
    return Comlink.transfer(r, rollupBuffers(r));
  },
  edit(edits: ColumnEdit[] | PackedColumnEdits) {
    return sendAnswer(service.edit(edits));
  },
  formulas(spec: FormulaSpec | null | 'again', guard?: { field: FormulaField; text: string }) {
    return sendAnswer(service.formulas(spec, guard));
  },
  configure(params: ProjectionParams) {
    const r = service.configure(params);
    return Comlink.transfer(r, rollupBuffers(r));
  },
  allocate(req: AllocationCall) {
    const r = service.allocate(req);
    return r.ok ? Comlink.transfer(r, columnsBuffers(r.value)) : r;
  },
  compare(req: CompareRequest) {
    const r = service.compare(req);
    return r.ok ? Comlink.transfer(r, comparisonBuffers(r.value)) : r;
  },
  checks(call: CheckCall) {
    return service.checks(call);
  },
  lastPassMs() {
    return service.lastPassMs();
  },
});
