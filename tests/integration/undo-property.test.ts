// Property: any sequence of edits, pastes (with lines added for rows past the end), fills, moves,
// notes and allocations, then as many undos, gives back the workbook as it was, in memory and in
// the database; and after every step the program total is the sum of the lines.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openDatabase } from '../../src/db/database';
import { createWorkbook, loadWorkbook } from '../../src/db/workbook-repo';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { WorkbookSession } from '../../src/state/session.svelte';
import { RecalcClient } from '../../src/engine/recalc-client';
import { ruleFromRecord } from '../../src/domain/allocation-plan';
import type { AllocationRuleRecord, Line, TreeNode, WorkbookData } from '../../src/domain/model';
import type { ReadContext } from '../../src/domain/edit';

const TR = 1_000_000;
const ctx: ReadContext = { unit: 'trieu', locale: 'vi' };
let seq = 0;

type Step =
  | { kind: 'edit'; line: number; value: number }
  | { kind: 'paste'; line: number; values: number[]; extra: number }
  | { kind: 'fill'; line: number; count: number; value: number }
  | { kind: 'move'; line: number; node: number }
  | { kind: 'note'; line: number; text: string }
  | { kind: 'allocate'; mode: 'replace' | 'add' };

const amount = fc.integer({ min: -50_000, max: 9_999_999 }).map((v) => v / 1000);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), line: fc.nat(50), value: amount }),
  fc.record({ kind: fc.constant('paste' as const), line: fc.nat(50), values: fc.array(amount, { minLength: 1, maxLength: 4 }), extra: fc.nat(2) }),
  fc.record({ kind: fc.constant('fill' as const), line: fc.nat(50), count: fc.integer({ min: 1, max: 5 }), value: amount }),
  fc.record({ kind: fc.constant('move' as const), line: fc.nat(50), node: fc.nat(50) }),
  fc.record({ kind: fc.constant('note' as const), line: fc.nat(50), text: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('allocate' as const), mode: fc.constantFrom('replace' as const, 'add' as const) }),
);

function da3Rule(demo: WorkbookData): AllocationRuleRecord {
  return {
    id: 'rule-p',
    workbookId: demo.workbook.id,
    scenarioId: demo.workbook.baselineScenarioId,
    name: 'Phân bổ',
    nodeId: demo.nodes.find((n) => n.code === 'DA3.TDA1')!.id,
    source: 'central',
    capital: 'recurrent',
    year: 2023,
    envelope: 2_398 * TR,
    unit: TR,
    criteria: [{ key: 'poor', weight: 1 }],
    reserved: [{ id: 'k', label: 'Phòng', percent: 10 }],
    overrides: {},
    createdAt: 0,
    updatedAt: 0,
  };
}

const byId = <T extends { id: string }>(xs: readonly T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
const text = (v: number) => String(v).replace('.', ',');

describe('undo, whatever was done', () => {
  it('gives back the first workbook, and the total is the sum of the lines at every step (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const db = openDatabase(`undo-property-${Date.now()}-${seq++}`);
        const demo = buildDemoWorkbook();
        await createWorkbook(db, demo);
        const loaded = (await loadWorkbook(db, demo.workbook.id))!;
        const s = new WorkbookSession(db, loaded.data, loaded.chunks, new RecalcClient(false));
        await s.ready;
        const first = { lines: byId(s.lines), nodes: byId(loaded.data.nodes), rules: s.rules };
        const settle = async () => {
          await s.flush();
          await new Promise((r) => setTimeout(r, 0));
        };
        const totalIsSum = () => expect(s.rollup!.plan[s.rollup!.nodeCount]).toBe(s.lines.reduce((a, l) => a + l.plan, 0));
        let done = 0;
        const did = (before: object | null) => {
          if (s.latestChange !== before) done++;
        };
        for (const st of steps) {
          const before = s.latestChange;
          const lines = s.lines;
          const at = (i: number) => lines[i % lines.length];
          if (st.kind === 'edit') s.setCells([{ target: { kind: 'line', id: at(st.line).id }, field: 'plan', raw: text(st.value) }], ctx);
          else if (st.kind === 'paste') {
            const anchor = at(st.line);
            const added = s.blankLines(anchor.nodeId, anchor.id, st.extra);
            const targets = [...st.values.map((_, i) => at(st.line + i)), ...added];
            const raw = [...st.values, ...added.map((_, i) => st.values[i % st.values.length])];
            s.setCells(
              targets.map((l, i) => ({ target: { kind: 'line' as const, id: l.id }, field: 'plan' as const, raw: text(raw[i]) })),
              ctx,
              added,
            );
          } else if (st.kind === 'fill') {
            s.setCells(
              Array.from({ length: st.count }, (_, i) => ({ target: { kind: 'line' as const, id: at(st.line + i).id }, field: 'plan' as const, raw: text(st.value) })),
              ctx,
            );
          } else if (st.kind === 'move') s.moveLines([at(st.line).id], s.tree.nodes[st.node % s.tree.nodes.length].id);
          else if (st.kind === 'note') s.setNote({ kind: 'line', id: at(st.line).id }, 'plan', st.text);
          else {
            const rule = da3Rule(demo);
            const split = await s.previewAllocation(ruleFromRecord(rule, s.places));
            if (split?.ok) s.applyAllocation(rule, split.value, st.mode);
          }
          did(before);
          await settle();
          totalIsSum();
        }
        for (let i = 0; i < done; i++) expect(s.undo()).toBe(true);
        await settle();
        totalIsSum();
        expect(byId(s.lines)).toEqual(first.lines);
        expect(s.rules).toEqual(first.rules);
        const saved = (await loadWorkbook(db, demo.workbook.id))!.data;
        expect(byId(saved.lines as Line[])).toEqual(first.lines);
        expect(byId(saved.nodes as TreeNode[])).toEqual(first.nodes);
        expect(saved.rules).toEqual(first.rules);
        s.dispose();
        db.close();
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
