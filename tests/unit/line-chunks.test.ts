import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkedLines, CHUNK_SIZE } from '../../src/db/line-chunks';
import { blankLine } from '../../src/domain/edit';

const line = (id: string, plan = 0) => ({ ...blankLine(id, 'n', 0, 2024), plan });

describe('ChunkedLines', () => {
  it('packs lines 1 000 to a chunk, in order', () => {
    const lines = Array.from({ length: 2500 }, (_, i) => line(`l${i}`));
    const c = ChunkedLines.fromLines(lines);
    expect(c.chunkNos()).toEqual([0, 1, 2]);
    expect(c.lines(2)).toHaveLength(500);
    expect(c.chunkOf('l1999')).toBe(1);
    expect(c.allLines().map((l) => l.id)).toEqual(lines.map((l) => l.id));
  });

  it('new lines fill a chunk with room before opening a new one', () => {
    const c = ChunkedLines.fromLines(Array.from({ length: CHUNK_SIZE }, (_, i) => line(`l${i}`)));
    expect(c.add(line('x'))).toBe(1);
    c.remove('l5');
    expect(c.add(line('y'))).toBe(1);
    expect(c.lines(0)).toHaveLength(CHUNK_SIZE - 1);
  });

  it('every line is in exactly one chunk, none over CHUNK_SIZE, under any sequence of edits', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 3000 }) }),
      fc.record({ kind: fc.constant('replace' as const), id: fc.integer({ min: 0, max: 3000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2500 }), fc.array(op, { maxLength: 300 }), (start, ops) => {
        const c = ChunkedLines.fromLines(Array.from({ length: start }, (_, i) => line(`l${i}`)));
        const model = new Map<string, number>();
        for (let i = 0; i < start; i++) model.set(`l${i}`, 0);
        for (const o of ops) {
          const id = `l${o.id}`;
          if (o.kind === 'remove') {
            c.remove(id);
            model.delete(id);
          } else {
            c[o.kind](line(id, o.id + 1));
            model.set(id, o.id + 1);
          }
        }
        const all = c.allLines();
        expect(all).toHaveLength(model.size);
        expect(new Set(all.map((l) => l.id)).size).toBe(model.size);
        for (const no of c.chunkNos()) {
          expect(c.lines(no).length).toBeLessThanOrEqual(CHUNK_SIZE);
          for (const l of c.lines(no)) expect(c.chunkOf(l.id)).toBe(no);
        }
        for (const l of all) expect(l.plan).toBe(model.get(l.id));
      }),
      { numRuns: 200 },
    );
  });
});
