import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mulDivRound } from '../../src/domain/money';

describe('mulDivRound', () => {
  it.each([
    [566_000_000, 8000, 10_000, 452_800_000],
    [5, 1, 2, 3],
    [-5, 1, 2, -3],
    [1e14, 2231, 10_000, 22_310_000_000_000],
  ])('%d × %d / %d = %d', (a, b, c, want) => expect(mulDivRound(a, b, c)).toBe(want));

  it('agrees with exact BigInt arithmetic for amounts up to 10^14 đồng', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e14 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b) => {
        const P = BigInt(a) * BigInt(b);
        const want = Number((P + 5_000n) / 10_000n);
        return mulDivRound(a, b, 10_000) === want;
      }),
      { numRuns: 3000 },
    );
  });
});
