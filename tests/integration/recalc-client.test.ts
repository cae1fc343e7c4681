// The worker client's allocation path over a message channel, as with a real worker: what crosses
// (ids and columns only when they changed), that the caller's columns stay usable, and that every
// answer is the split the domain gives for the same rule.
import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { RecalcClient } from '../../src/engine/recalc-client';
import { createRecalcService } from '../../src/engine/recalc-core';
import type { AllocationCall } from '../../src/engine/recalc-api';
import { fromColumns, splitEnvelope } from '../../src/domain/allocate';
import { requestFromRecord, ruleFromRecord } from '../../src/domain/allocation-plan';
import type { AllocationRuleRecord, Place, Result } from '../../src/domain/model';

/** A client whose worker is a service behind a message channel; `calls` records what it was sent. */
function channelClient(): { client: RecalcClient; calls: AllocationCall[] } {
  const calls: AllocationCall[] = [];
  const service = createRecalcService();
  const recorded = { ...service, allocate: (call: AllocationCall) => (calls.push(call), service.allocate(call)) };
  const real = globalThis.Worker;
  globalThis.Worker = class {
    constructor() {
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(recorded, port2);
      return Object.assign(port1, { terminate: () => port1.close() }) as unknown as Worker;
    }
  } as unknown as typeof Worker;
  try {
    return { client: new RecalcClient(true), calls };
  } finally {
    globalThis.Worker = real;
  }
}

const place = (id: string, poor: number | null, households: number): Place => ({
  id,
  workbookId: 'wb',
  parentId: null,
  code: id,
  name: `Xã ${id}`,
  kind: 'commune',
  values: { poor, households },
  order: 0,
});
const rec: AllocationRuleRecord = {
  id: 'r',
  workbookId: 'wb',
  scenarioId: 's',
  name: 'Quy tắc',
  nodeId: 'n',
  source: 'central',
  capital: 'recurrent',
  year: 2026,
  envelope: 1_000_000_000,
  unit: 1000,
  criteria: [
    { key: 'poor', weight: 3 },
    { key: 'households', weight: 1 },
    { key: 'equal', weight: 1 },
  ],
  reserved: [{ id: 'k', label: 'Dự phòng', percent: 5 }],
  overrides: { b: { cap: 200_000_000 }, d: { eligible: false } },
  floor: 50_000_000,
  createdAt: 0,
  updatedAt: 0,
};
const places = [place('a', 120, 900), place('b', 300, 1500), place('c', 40, 700), place('d', 80, 800), place('e', 0, 400)];

const direct = (ps: readonly Place[], r = rec) => splitEnvelope(ruleFromRecord(r, ps));
const value = <T>(r: Result<T> | null): T => {
  if (!r?.ok) throw new Error(`expected a split, got ${JSON.stringify(r)}`);
  return r.value;
};

describe('allocation through the worker client', () => {
  it('sends ids and columns once, then only what changed, and splits as the domain does', async () => {
    const { client, calls } = channelClient();
    const first = requestFromRecord(rec, places);
    expect(await client.allocate(first)).toEqual(direct(places));
    expect(calls[0].ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Object.values(calls[0].values).every((col) => col !== null)).toBe(true);

    // The same places again (another envelope): nothing but the rule and settings cross.
    const larger = { ...rec, envelope: 2_000_000_000 };
    const again = requestFromRecord(larger, places);
    expect(fromColumns(again.ids, value(await client.allocateColumns(again)))).toEqual(value(direct(places, larger)));
    expect(calls[1].ids).toBeNull();
    expect(calls[1].values).toEqual({ poor: null, households: null });
    // The caller's columns were copied, not moved: they are still whole.
    expect(first.values.poor.length).toBe(5);

    // A place edited (a new array, as the session makes): its columns cross again, not its ids.
    const edited = places.map((p) => (p.id === 'c' ? place('c', 400, 700) : p));
    expect(await client.allocate(requestFromRecord(rec, edited))).toEqual(direct(edited));
    expect(calls[2].ids).toBeNull();
    expect(calls[2].values.poor).toEqual(new Float64Array([120, 300, 400, 80, 0]));

    // Places in another order: the ids cross again, and each place keeps its amount.
    const reordered = [...edited].reverse();
    expect(await client.allocate(requestFromRecord(rec, reordered))).toEqual(direct(reordered));
    expect(calls[3].ids).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('splits a rule given as recipient objects, and a rule that cannot be split gives its failure', async () => {
    const { client } = channelClient();
    expect(await client.allocate(ruleFromRecord(rec, places))).toEqual(direct(places));
    const bad = { ...rec, envelope: -1 };
    expect(await client.allocate(ruleFromRecord(bad, places))).toEqual(direct(places, bad));
    expect(await client.allocate(requestFromRecord(bad, places))).toEqual(direct(places, bad));
  });

  it('latest wins within a lane, never across lanes', async () => {
    const { client } = channelClient();
    const older = client.allocate(requestFromRecord(rec, places));
    const check = client.allocate(requestFromRecord(rec, places), 'check');
    const newer = client.allocate(requestFromRecord({ ...rec, envelope: 3_000_000_000 }, places));
    expect(await older).toBeNull();
    expect(await check).toEqual(direct(places));
    expect((await newer)?.ok).toBe(true);
  });
});
