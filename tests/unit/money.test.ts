import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mulDivRound, roundHalfUp } from '../../src/domain/money';

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

  it('rounds halves away from zero for negative amounts and any sign of divisor', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e14, max: 1e14 }), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(10_000, -10_000, 3, -7), (a, b, c) => {
        const P = BigInt(a) * BigInt(b);
        const C = BigInt(c);
        const q = P / C;
        const r = P - q * C;
        const abs = (x: bigint) => (x < 0n ? -x : x);
        const want = 2n * abs(r) >= abs(C) ? q + (P < 0n !== C < 0n ? -1n : 1n) : q;
        return mulDivRound(a, b, c) === Number(want);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('roundHalfUp', () => {
  it('gives what Math.round gives, to the same number, −0 and the edges included', () => {
    const edges = [
      0,
      -0,
      0.5,
      -0.5,
      0.49999999999999994,
      -0.49999999999999994,
      1.5,
      2.5,
      -2.5,
      2 ** 52 - 0.5,
      2 ** 52,
      2 ** 52 + 1,
      2 ** 53 + 2,
      5e-324,
      -5e-324,
      Infinity,
      -Infinity,
      NaN,
    ];
    for (const x of edges) expect(Object.is(roundHalfUp(x), Math.round(x)), String(x)).toBe(true);
    fc.assert(
      fc.property(fc.double(), (x) => Object.is(roundHalfUp(x), Math.round(x))),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), fc.integer({ min: 1, max: 1_000 }), (a, b) => Object.is(roundHalfUp(a / b), Math.round(a / b))),
      { numRuns: 20_000 },
    );
  });
});
