// Node: 100 000 and 1 000 000 recipients with 5 criteria, a reserve, floors and caps; the object form
// (splitEnvelope, recipient and part objects) and the columnar entry point (splitColumns, what the
// worker runs: columns in, columns out, no recipient objects in the heap), and how much slower the
// object form is. Both share the split, so the first path timed would warm it for the second: each
// path's median is taken after warm-up runs of its own, and its slowest run counts them.
import { it } from 'vitest';
import { splitColumns, splitEnvelope, type AllocationColumns, type AllocationResult } from '../../src/domain/allocate';
import type { AllocationRecipient, AllocationRule } from '../../src/domain/allocate';
import { toRequest } from '../../src/domain/allocate-columns';
import type { Result } from '../../src/domain/model';
import { median, report } from './stats';

// Deterministic generator (mulberry32), so every run measures the same rule.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildRule(n: number): AllocationRule {
  const rnd = random(n);
  const envelope = 98_765_432_109_876; // ≈ 10^14 đ, not a multiple of the unit
  const unit = 1000;
  const average = envelope / n;
  const recipients: AllocationRecipient[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const households = 200 + Math.floor(rnd() * 4000);
    const poor = Math.floor(households * rnd() * 0.4);
    recipients[i] = {
      id: `xa-${(i * 2654435761) % 4294967296}`,
      values: {
        poor,
        nearPoor: Math.floor(households * rnd() * 0.3),
        population: households * (3 + Math.floor(rnd() * 3)),
        ethnicShare: Math.round(rnd() * 10000) / 100, // a percent with two decimals
      },
      // One in a thousand has its own cap, one in ten thousand is not eligible.
      ...(i % 1000 === 7 ? { cap: Math.round(average * 1.5) } : {}),
      ...(i % 10_000 === 3 ? { eligible: false } : {}),
    };
  }
  return {
    envelope,
    unit,
    criteria: [
      { key: 'poor', weight: 0.4 },
      { key: 'nearPoor', weight: 0.15 },
      { key: 'population', weight: 0.15 },
      { key: 'ethnicShare', weight: 0.1 },
      { key: 'equal', weight: 0.2 },
    ],
    reserved: [
      { id: 'phong-ldtbxh', label: 'Phòng LĐ-TB&XH', percent: 10 },
      { id: 'du-phong', amount: 1_234_567 },
    ],
    recipients,
    floor: Math.round(average * 0.6),
    cap: Math.round(average * 1.4),
  };
}

/** The median of `runs` timed runs after `warm` others, and the slowest of them all (the first call included). */
function timed<T>(warm: number, runs: number, split: () => Result<T>): { median: number; worst: number; last: T } {
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < warm + runs; i++) {
    const t = performance.now();
    const r = split();
    times.push(performance.now() - t);
    if (!r.ok) throw new Error(r.error.code);
    last = r.value;
  }
  return { median: median(times.slice(warm)), worst: Math.max(...times), last: last as T };
}

function measure(n: number, warm: number, runs: number): { median: number; worst: number; floors: number; caps: number } {
  const rule = buildRule(n);
  const { median, worst, last } = timed<AllocationResult>(warm, runs, () => splitEnvelope(rule));
  return { median, worst, floors: last.parts.filter((p) => p.bound === 'floor').length, caps: last.parts.filter((p) => p.bound === 'cap').length };
}

/** The same rule as columns; its recipient objects are dropped before timing, as in the worker. */
function measureColumns(n: number, warm: number, runs: number): { median: number; worst: number } {
  const req = toRequest(buildRule(n));
  return timed<AllocationColumns>(warm, runs, () => splitColumns(req));
}

it('allocation by rule, 100 000 and 1 000 000 recipients (Node)', () => {
  const small = measure(100_000, 5, 21);
  const large = measure(1_000_000, 2, 11);
  report('Allocation by rule (splitEnvelope): 5 criteria, 2 reserves, floors and caps, unit 1 000 đ, Node', [
    [`100 000 recipients (${small.floors} held at floor, ${small.caps} at cap)`, small.median, 'ms', '≤ 25 ms'],
    ['100 000 recipients, slowest of 26 runs (first call, collections)', small.worst, 'ms'],
    [`1 000 000 recipients (${large.floors} held at floor, ${large.caps} at cap)`, large.median, 'ms', '≤ 250 ms'],
    ['1 000 000 recipients, slowest of 13 runs (first call, collections)', large.worst, 'ms'],
  ]);
  const smallColumns = measureColumns(100_000, 5, 21);
  const largeColumns = measureColumns(1_000_000, 2, 11);
  report('The same rule through the columnar entry point (splitColumns), Node', [
    ['100 000 recipients', smallColumns.median, 'ms', '≤ 25 ms'],
    ['100 000 recipients, slowest of 26 runs', smallColumns.worst, 'ms'],
    ['1 000 000 recipients', largeColumns.median, 'ms', '≤ 250 ms'],
    ['1 000 000 recipients, slowest of 13 runs', largeColumns.worst, 'ms'],
  ]);
  report('The object form against the columnar one (splitEnvelope / splitColumns, medians), Node', [
    ['100 000 recipients', `${(small.median / smallColumns.median).toFixed(2)} ×`, '', '≤ 1,5 ×'],
    ['1 000 000 recipients', `${(large.median / largeColumns.median).toFixed(2)} ×`, '', '≤ 1,5 ×'],
  ]);
});
