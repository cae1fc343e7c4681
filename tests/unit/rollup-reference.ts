// The roll-up as first written: one line after another into its node, every budget cell grouped and
// sorted again on each call. Slow and obvious, kept as the second reading the faster full pass and
// the incremental roll-up (domain/rollup.ts, domain/rollup-state.ts) are checked against.

import { CAPITAL_CODE, projectLine, SOURCE_CODE, type PlanColumns, type Rollup } from '../../src/domain/rollup';
import { MONTH_COUNT } from '../../src/domain/model';
import { mulDivRound, rateToBasisPoints } from '../../src/domain/money';
import {
  carriesOver,
  cumulativeAt,
  FLAG_EXPECTED_EQUALS_REACHED,
  FLAG_FAR_FROM_PROFILE,
  FLAG_NO_PROFILE,
  FLAG_OVER_DISBURSED,
  monthsLeft,
  monthStarts,
  projectByProfile,
} from '../../src/domain/projection';

const CENTRAL = SOURCE_CODE.central;

/** Sums lines into their nodes, nodes into their parents, roots into the total; exact in đồng. */
export function referenceRollUp(cols: PlanColumns): Rollup {
  const nodeCount = cols.nodeParent.length;
  const size = nodeCount + 1;
  const n = cols.plan.length;
  const mk = () => new Float64Array(size);
  const line = () => new Float64Array(n);
  const r: Rollup = {
    nodeCount,
    plan: mk(),
    disbursed: mk(),
    projected: mk(),
    unspent: mk(),
    central: mk(),
    local: mk(),
    other: mk(),
    investment: mk(),
    recurrent: mk(),
    requiredLocal: mk(),
    carriedIn: mk(),
    carryOver: mk(),
    lapse: mk(),
    expectedAmount: mk(),
    runRate: mk(),
    flagged: new Int32Array(size),
    months: new Float64Array(size * MONTH_COUNT),
    monthsKnown: new Int32Array(size),
    lineProjected: line(),
    lineRequired: line(),
    lineUnspent: line(),
    lineCarry: line(),
    lineLapse: line(),
    lineRunRate: line(),
    lineFlags: new Uint8Array(n),
    overflow: false,
  };
  projectLines(cols, r);
  drawOldestFirst(cols, r);
  const bySource = [r.central, r.local, r.other];
  const byCapital = [r.investment, r.recurrent];
  const { lineNode, plan, disbursed, source, capital, vintage, monthRow, months } = cols;
  const year = cols.params.year;
  for (let i = 0; i < n; i++) {
    const node = lineNode[i];
    const p = plan[i];
    const bp = source[i] === CENTRAL ? cols.counterpartBp[capital[i]] : 0;
    const required = bp > 0 ? mulDivRound(p, bp, 10_000) : 0;
    r.lineRequired[i] = required;
    if (node < 0) continue;
    r.plan[node] += p;
    r.disbursed[node] += disbursed[i];
    r.projected[node] += r.lineProjected[i];
    r.unspent[node] += r.lineUnspent[i];
    r.carryOver[node] += r.lineCarry[i];
    r.lapse[node] += r.lineLapse[i];
    if (vintage[i] < year) r.carriedIn[node] += p;
    bySource[source[i]][node] += p;
    byCapital[capital[i]][node] += p;
    r.requiredLocal[node] += required;
    if (r.lineFlags[i]) r.flagged[node]++;
    const rr = r.lineRunRate[i];
    if (!Number.isNaN(rr)) r.runRate[node] += rr;
    const row = monthRow[i];
    if (row >= 0) {
      r.monthsKnown[node]++;
      for (let m = 0; m < MONTH_COUNT; m++) {
        const v = months[row * MONTH_COUNT + m];
        if (!Number.isNaN(v)) r.months[node * MONTH_COUNT + m] += v;
      }
    }
  }
  const measures = [
    r.plan,
    r.disbursed,
    r.projected,
    r.unspent,
    r.central,
    r.local,
    r.other,
    r.investment,
    r.recurrent,
    r.requiredLocal,
    r.carriedIn,
    r.carryOver,
    r.lapse,
    r.expectedAmount,
    r.runRate,
  ];
  // Children come after their parents, so one backward pass carries every subtree upward.
  for (let k = nodeCount - 1; k >= 0; k--) {
    const parent = cols.nodeParent[k];
    const to = parent >= 0 ? parent : nodeCount;
    for (const m of measures) m[to] += m[k];
    r.flagged[to] += r.flagged[k];
    r.monthsKnown[to] += r.monthsKnown[k];
    for (let m = 0; m < MONTH_COUNT; m++) r.months[to * MONTH_COUNT + m] += r.months[k * MONTH_COUNT + m];
  }
  for (const m of [...measures, r.months]) {
    for (let k = 0; k < m.length; k++) {
      if (!Number.isSafeInteger(m[k]) && m !== r.runRate) {
        r.overflow = true;
        break;
      }
    }
  }
  return r;
}

/** Each line's own projection, run-rate and flags, by its method; the expected-rate level per node. */
function projectLines(cols: PlanColumns, r: Rollup): void {
  const { plan, disbursed, expected, method, asOfDay, lineNode } = cols;
  const { profiles, reference, flagGap } = cols.params;
  const starts = monthStarts(cols.params.year);
  const lateInYear = starts[9]; // 1 October
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i];
    const d = disbursed[i];
    const e = expected[i];
    const m = method[i] < 0 ? cols.params.method : method[i];
    const day = Number.isNaN(asOfDay[i]) ? cols.params.asOfDay : asOfDay[i];
    let flags = d > p ? FLAG_OVER_DISBURSED : 0;
    let proj: number;
    if (m === 0) proj = projectLine(p, d, e);
    else {
      const share = Number.isNaN(day) ? NaN : cumulativeAt(profiles, m, starts, day);
      // Nothing disbursed projects nothing whatever the profile: only flag a projection it could not make.
      if (!(share > 0) && d > 0) flags |= FLAG_NO_PROFILE;
      proj = projectByProfile(p, d, share);
    }
    r.lineProjected[i] = proj;
    let target = proj;
    let runRate = NaN;
    if (Number.isFinite(e)) {
      target = mulDivRound(p, rateToBasisPoints(e), 10_000);
      const left = Number.isNaN(day) ? 0 : monthsLeft(starts, day);
      if (left > 0) runRate = Math.round(Math.max(0, target - d) / left);
      if (!Number.isNaN(day) && p > 0) {
        const reached = (d / p) * 100;
        const share = cumulativeAt(profiles, reference, starts, day);
        if (share > 0 && share < 1 && Math.abs(e - Math.min(100, reached / share)) > flagGap) flags |= FLAG_FAR_FROM_PROFILE;
        if (day + 1 >= lateInYear && e < 100 && Math.abs(e - reached) < 0.5) flags |= FLAG_EXPECTED_EQUALS_REACHED;
      }
    }
    r.lineRunRate[i] = runRate;
    r.lineFlags[i] = flags;
    if (lineNode[i] >= 0) r.expectedAmount[lineNode[i]] += target;
  }
}

/**
 * Within each budget cell (node, slot, source, capital type) the projected disbursement is drawn
 * from the oldest vintage first, lines of one vintage in their order; what each line keeps at year
 * end carries over or lapses (domain/projection.ts). A cell that spends more than it has leaves the
 * excess on its newest line, whose unspent goes negative and neither carries over nor lapses.
 */
function drawOldestFirst(cols: PlanColumns, r: Rollup): void {
  const { plan, lineNode, slot, source, capital, vintage, eligible } = cols;
  const n = plan.length;
  const year = cols.params.year;
  let slots = 1;
  for (let i = 0; i < n; i++) if (slot[i] >= slots) slots = slot[i] + 1;
  const groupOf = new Map<number, number>();
  const group = new Int32Array(n);
  const size: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = ((lineNode[i] + 1) * slots + slot[i]) * 6 + source[i] * 2 + capital[i];
    let g = groupOf.get(key);
    if (g === undefined) {
      groupOf.set(key, (g = size.length));
      size.push(0);
    }
    group[i] = g;
    size[g]++;
  }
  // Members of each group, in line order, then sorted by vintage (stable) where a group has several.
  const start = new Int32Array(size.length + 1);
  for (let g = 0; g < size.length; g++) start[g + 1] = start[g] + size[g];
  const fill = start.slice(0, size.length);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[group[i]]++] = i;
  for (let g = 0; g < size.length; g++) {
    const a = start[g];
    const b = start[g + 1];
    if (b - a > 1) {
      const sorted = Array.from(members.subarray(a, b)).sort((x, y) => vintage[x] - vintage[y] || x - y);
      members.set(sorted, a);
    }
    let left = 0;
    for (let j = a; j < b; j++) left += r.lineProjected[members[j]];
    for (let j = a; j < b; j++) {
      const i = members[j];
      const drawn = j === b - 1 ? left : Math.min(Math.max(plan[i], 0), left);
      left -= drawn;
      const unspent = plan[i] - drawn;
      r.lineUnspent[i] = unspent;
      if (unspent > 0) {
        if (carriesOver(vintage[i], year, capital[i] === CAPITAL_CODE.investment ? 'investment' : 'recurrent', eligible[i] === 1)) r.lineCarry[i] = unspent;
        else r.lineLapse[i] = unspent;
      }
    }
  }
}
