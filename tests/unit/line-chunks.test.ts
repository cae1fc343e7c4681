// ChunkedLines: which chunk record each line lives in. Table-driven cases plus a model-based
// property test of the invariants under random add / remove / replace sequences.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkedLines, CHUNK_SIZE } from '../../src/db/line-chunks';
import type { Line } from '../../src/domain/model';

const line = (id: string, plan = 0): Line => ({
  id,
  nodeId: 'n',
  order: 0,
  label: '',
  unit: '',
  placeId: null,
  source: 'central',
  capital: 'recurrent',
  vintage: 2024,
  plan,
  disbursed: 0,
  asOf: null,
  expectedRate: null,
});
const lines = (n: number, prefix = 'l') => Array.from({ length: n }, (_, i) => line(`${prefix}${i}`, i));
const ids = (ls: Line[]) => ls.map((l) => l.id);

describe('ChunkedLines packing', () => {
  it.each([
    { count: 0, nos: [], sizes: [] },
    { count: 1, nos: [0], sizes: [1] },
    { count: CHUNK_SIZE, nos: [0], sizes: [CHUNK_SIZE] },
    { count: CHUNK_SIZE + 1, nos: [0, 1], sizes: [CHUNK_SIZE, 1] },
    { count: 2.5 * CHUNK_SIZE, nos: [0, 1, 2], sizes: [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE / 2] },
  ])('fromLines packs $count lines into chunks $nos, in order', ({ count, nos, sizes }) => {
    const all = lines(count);
    const c = ChunkedLines.fromLines(all);
    expect(CHUNK_SIZE).toBe(100);
    expect(c.size).toBe(count);
    expect(c.chunkNos()).toEqual(nos);
    expect(nos.map((no) => c.lines(no).length)).toEqual(sizes);
    expect(ids(c.allLines())).toEqual(ids(all));
    all.forEach((l, i) => expect(c.chunkOf(l.id)).toBe(Math.floor(i / CHUNK_SIZE)));
  });

  it('builds from stored chunks indexed by number, holes allowed', () => {
    const stored: Line[][] = [];
    stored[0] = lines(3, 'a');
    stored[4] = lines(2, 'b');
    const c = new ChunkedLines(stored);
    expect(c.chunkNos()).toEqual([0, 4]);
    expect(c.size).toBe(5);
    expect(c.chunkOf('b1')).toBe(4);
    expect(c.chunkOf('a2')).toBe(0);
    expect(c.chunkOf('zz')).toBeUndefined();
    expect(c.lines(2)).toEqual([]);
    expect(ids(c.allLines())).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
    // New lines go to the highest-numbered chunk with room.
    expect(c.add(line('new'))).toBe(4);
  });

  it('refuses a line stored in two chunks, or twice in one chunk', () => {
    expect(() => new ChunkedLines([[line('x')], [line('x')]])).toThrow(/x/);
    expect(() => new ChunkedLines([[line('y'), line('y')]])).toThrow(/y/);
    expect(() => ChunkedLines.fromLines([line('z'), line('z')])).toThrow(/z/);
  });
});

describe('ChunkedLines edits', () => {
  it('add fills the last chunk, then reuses room left lower down, then opens a new chunk', () => {
    const c = ChunkedLines.fromLines(lines(2 * CHUNK_SIZE));
    expect(c.add(line('x'))).toBe(2);
    expect(c.remove('l5')).toBe(0);
    // Chunk 2 still has room, so it wins over chunk 0.
    expect(c.add(line('y'))).toBe(2);
    const full = ChunkedLines.fromLines(lines(2 * CHUNK_SIZE));
    full.remove(`l${1.5 * CHUNK_SIZE}`);
    expect(full.add(line('p'))).toBe(1);
    expect(full.add(line('q'))).toBe(2);
    expect(full.chunkNos()).toEqual([0, 1, 2]);
    expect(full.lines(1)).toHaveLength(CHUNK_SIZE);
    expect(full.lines(1).at(-1)!.id).toBe('p');
  });

  it('replace keeps the chunk and the position, with the new object', () => {
    const c = ChunkedLines.fromLines(lines(1.5 * CHUNK_SIZE));
    const edited = { ...line(`l${1.2 * CHUNK_SIZE}`), plan: 77 };
    expect(c.replace(edited)).toBe(1);
    const chunk = c.lines(1);
    expect(chunk[0.2 * CHUNK_SIZE]).toBe(edited);
    expect(chunk).toHaveLength(0.5 * CHUNK_SIZE);
    expect(c.size).toBe(1.5 * CHUNK_SIZE);
  });

  it('replace of an unknown line adds it; add of a known line replaces it', () => {
    const c = ChunkedLines.fromLines(lines(10));
    expect(c.replace(line('new', 5))).toBe(0);
    expect(c.size).toBe(11);
    expect(c.add(line('l3', 99))).toBe(0);
    expect(c.size).toBe(11);
    expect(c.lines(0)[3].plan).toBe(99);
  });

  it('remove returns the chunk to rewrite; an emptied chunk yields no lines (delete the record)', () => {
    const c = ChunkedLines.fromLines(lines(CHUNK_SIZE + 1));
    const last = `l${CHUNK_SIZE}`;
    expect(c.remove('nope')).toBeUndefined();
    expect(c.remove(last)).toBe(1);
    expect(c.remove(last)).toBeUndefined();
    expect(c.lines(1)).toEqual([]);
    expect(c.chunkOf(last)).toBeUndefined();
    expect(c.size).toBe(CHUNK_SIZE);
    expect(c.add(line('again'))).toBe(1);
  });

  it('keeps chunks stored larger than CHUNK_SIZE (an older size) as they are, and adds no line to them', () => {
    const old = lines(10 * CHUNK_SIZE);
    const c = new ChunkedLines([old]);
    expect(c.replace({ ...old[7], plan: 5 })).toBe(0);
    expect(c.lines(0)).toHaveLength(10 * CHUNK_SIZE);
    expect(c.lines(0)[7].plan).toBe(5);
    c.remove('l3');
    expect(c.add(line('new'))).toBe(1);
    expect(c.lines(0)).toHaveLength(10 * CHUNK_SIZE - 1);
  });

  it('move takes the named lines it holds in one chunk to another, in their order; any other line stays', () => {
    const stored: Line[][] = [];
    stored[0] = lines(10 * CHUNK_SIZE, 'a');
    stored[2] = lines(3, 'b');
    const c = new ChunkedLines(stored);
    const part = ids(stored[0].slice(CHUNK_SIZE, 1.6 * CHUNK_SIZE));
    c.move({ from: 0, to: 7, ids: [...part, 'b1', 'nope'] });
    expect(ids(c.lines(7))).toEqual(part);
    expect(ids(c.lines(0))).toEqual(ids([...stored[0].slice(0, CHUNK_SIZE), ...stored[0].slice(1.6 * CHUNK_SIZE)]));
    expect(c.chunkOf('b1')).toBe(2);
    expect(c.chunkOf('nope')).toBeUndefined();
    for (const id of part) expect(c.chunkOf(id)).toBe(7);
    expect(c.size).toBe(10 * CHUNK_SIZE + 3);
    expect(new Set(ids(c.allLines())).size).toBe(c.size);
    // The new chunk counts as the highest: a new line goes there (it has room), not to chunk 2.
    expect(c.chunkNos()).toEqual([0, 2, 7]);
    expect(c.add(line('new'))).toBe(7);
    // Nothing held in `from`: nothing moves, no chunk appears.
    c.move({ from: 5, to: 9, ids: ['b0'] });
    expect(c.chunkNos()).toEqual([0, 2, 7]);
    expect(c.chunkOf('b0')).toBe(2);
  });

  it('lines(no) is a fresh copy each call', () => {
    const c = ChunkedLines.fromLines(lines(3));
    const a = c.lines(0);
    a.pop();
    a.push(line('intruder'));
    expect(ids(c.lines(0))).toEqual(['l0', 'l1', 'l2']);
    expect(c.lines(0)).not.toBe(c.lines(0));
  });
});

describe('ChunkedLines invariants', () => {
  type Op = { kind: 'add' | 'remove' | 'replace'; id: number; plan: number };
  const op: fc.Arbitrary<Op> = fc.record({
    kind: fc.constantFrom('add' as const, 'remove' as const, 'replace' as const),
    id: fc.integer({ min: 0, max: 3.2 * CHUNK_SIZE }),
    plan: fc.integer({ min: 0, max: 1_000_000 }),
  });
  const C = CHUNK_SIZE;
  const start = fc.oneof(fc.integer({ min: 0, max: 2.6 * C }), fc.constantFrom(C - 1, C, C + 1, 2 * C, 3 * C - 1));

  it('every line is in exactly one chunk, no chunk over CHUNK_SIZE, lines(no) matches a reference model', () => {
    fc.assert(
      fc.property(start, fc.array(op, { maxLength: 400 }), (n, ops) => {
        const c = ChunkedLines.fromLines(lines(n));
        // Reference model: id → (chunk, plan), and how many lines each known chunk holds.
        const model = new Map<string, { no: number; plan: number }>();
        const counts = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const no = Math.floor(i / CHUNK_SIZE);
          model.set(`l${i}`, { no, plan: i });
          counts.set(no, (counts.get(no) ?? 0) + 1);
        }
        for (const o of ops) {
          const id = `l${o.id}`;
          const known = model.get(id);
          if (o.kind === 'remove') {
            expect(c.remove(id)).toBe(known?.no);
            if (known) {
              model.delete(id);
              counts.set(known.no, counts.get(known.no)! - 1);
            }
          } else if (known) {
            expect(c[o.kind](line(id, o.plan))).toBe(known.no);
            known.plan = o.plan;
          } else {
            const withRoom = [...counts].filter(([, k]) => k < CHUNK_SIZE).map(([no]) => no);
            const expected = withRoom.length ? Math.max(...withRoom) : counts.size ? Math.max(...counts.keys()) + 1 : 0;
            expect(c[o.kind](line(id, o.plan))).toBe(expected);
            model.set(id, { no: expected, plan: o.plan });
            counts.set(expected, (counts.get(expected) ?? 0) + 1);
          }
        }
        // Collected, not asserted line by line: thousands of expect() calls per run are slow.
        const problems: string[] = [];
        const seen = new Set<string>();
        for (const no of c.chunkNos()) {
          const chunk = c.lines(no);
          if (chunk.length > CHUNK_SIZE) problems.push(`chunk ${no} holds ${chunk.length}`);
          if (chunk.length !== counts.get(no)) problems.push(`chunk ${no} holds ${chunk.length}, model ${counts.get(no)}`);
          for (const l of chunk) {
            if (seen.has(l.id)) problems.push(`${l.id} twice`);
            seen.add(l.id);
            const m = model.get(l.id);
            if (m?.no !== no || m.plan !== l.plan) problems.push(`${l.id} in ${no} plan ${l.plan}, model ${JSON.stringify(m)}`);
            if (c.chunkOf(l.id) !== no) problems.push(`chunkOf(${l.id}) = ${c.chunkOf(l.id)}, found in ${no}`);
          }
        }
        for (const id of model.keys()) if (!seen.has(id)) problems.push(`${id} missing`);
        expect(problems).toEqual([]);
        expect(c.size).toBe(model.size);
        expect(c.chunkNos()).toEqual([...counts.keys()].sort((a, b) => a - b));
        expect(c.allLines()).toHaveLength(model.size);
      }),
      { numRuns: 300 },
    );
  });
});
