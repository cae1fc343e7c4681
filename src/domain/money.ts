// Exact integer arithmetic on amounts in đồng: products and shares that stay correct to the đồng
// even where a float product would not (beyond 2^53).

/** round(a · b / c), half away from zero, exact for any safe integers a, b and c ≠ 0. */
export function mulDivRound(a: number, b: number, c: number): number {
  const p = a * b;
  if (Number.isSafeInteger(p)) {
    const q = p / c;
    const t = Math.trunc(q);
    const r = p - t * c; // exact: |t·c| ≤ |p|
    if (2 * Math.abs(r) >= Math.abs(c)) return t + (Math.sign(p) * Math.sign(c) || 1);
    return t;
  }
  const P = BigInt(a) * BigInt(b);
  const C = BigInt(c);
  let t = P / C;
  const r = P - t * C;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  if (2n * abs(r) >= abs(C)) t += P < 0n !== C < 0n ? -1n : 1n;
  return Number(t);
}

/** A percentage (e.g. 22.31) as integer hundredths of a percent, the precision users type. */
export function rateToBasisPoints(pct: number): number {
  return Math.round(pct * 100);
}
