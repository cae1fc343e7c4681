// The import corpus: province and district files as they are really sent (tests/fixtures/corpus,
// written by make-corpus.mjs), each read the way the import dialog reads it and compared with its
// truth file to the đồng, lines summed by budget cell (program item, source, capital type,
// vintage, and place where the truth gives places). Prints one table of every reading and
// "exact: N/M". Then a property: a random report table written as CSV reads back to the sums of
// its leaves per item and source.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readImport } from '../../src/io/import-plan';
import type { ImportReading } from '../../src/io/import-plan';
import { instantiateTree } from '../../src/domain/tree';
import { foldForMatch } from '../../src/domain/text';
import type { CapitalType, Source, TreeNode } from '../../src/domain/model';
import { utf8 } from './import-helpers';

const CORPUS = new URL('../fixtures/corpus/', import.meta.url);

/** The codes of the default tree: a line counts on the nearest of them above its node. */
const PROGRAM_CODES = new Set(instantiateTree('codes').map((n) => n.code));

interface TruthLine {
  item: string;
  source: Source;
  capital: CapitalType;
  vintage: number;
  plan: number;
  disbursed: number;
  place?: string;
}

interface Truth {
  file: string;
  models: string;
  year: number;
  sheet: string | null;
  places?: string[];
  lines: TruthLine[];
  consistent: boolean;
  expectErrors?: string[];
}

const truths: Truth[] = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.truth.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, CORPUS), 'utf8')) as Truth);

// ---------------------------------------------------------------------------------------------
// Comparing a reading with a truth

type Sums = Map<string, { plan: number; disbursed: number }>;

function add(sums: Sums, key: string, plan: number, disbursed: number): void {
  const s = sums.get(key) ?? { plan: 0, disbursed: 0 };
  s.plan += plan;
  s.disbursed += disbursed;
  sums.set(key, s);
}

/** The program item a line's node counts on: the nearest program code walking up through the
 * reading's nodes and the workbook's; a node with none counts under its own name. */
function programItem(nodeId: string, byId: ReadonlyMap<string, TreeNode>): string {
  const own = byId.get(nodeId);
  const seen = new Set<string>();
  for (let id: string | null = nodeId; id !== null && !seen.has(id);) {
    seen.add(id);
    const node = byId.get(id);
    if (!node) break;
    if (PROGRAM_CODES.has(node.code)) return node.code;
    id = node.parentId;
  }
  return `«${own?.name ?? nodeId}»`;
}

/** The truth's place a line is in: its place's name, its implementing unit or its label, equal
 * to a truth place when folded, else containing one (the longest); '' for none. */
function placeOf(texts: readonly string[], truthPlaces: readonly string[]): string {
  const folded = truthPlaces.map((p) => [p, foldForMatch(p)] as const);
  for (const t of texts) {
    const f = foldForMatch(t);
    const same = folded.find(([, fp]) => fp === f);
    if (same) return same[0];
  }
  for (const t of texts) {
    const f = foldForMatch(t);
    const inside = folded.filter(([, fp]) => fp && f.includes(fp)).sort((a, b) => b[1].length - a[1].length)[0];
    if (inside) return inside[0];
  }
  return '';
}

const cellKey = (item: string, source: string, capital: string, vintage: number, place: string | null) =>
  [item, source, capital, vintage, ...(place === null ? [] : [place])].join(' | ');

function truthSums(truth: Truth): Sums {
  const withPlaces = truth.lines.some((l) => l.place);
  const sums: Sums = new Map();
  for (const l of truth.lines) add(sums, cellKey(l.item, l.source, l.capital, l.vintage, withPlaces ? (l.place ?? '') : null), l.plan, l.disbursed);
  return sums;
}

function readingSums(reading: ImportReading, truth: Truth, nodes: readonly TreeNode[]): Sums {
  const withPlaces = truth.lines.some((l) => l.place);
  const truthPlaces = [...new Set(truth.lines.flatMap((l) => (l.place ? [l.place] : [])))];
  const placeNames = new Map((truth.places ?? []).map((name, i) => [`place-${i}`, name]));
  const byId = new Map<string, TreeNode>(nodes.map((n) => [n.id, n]));
  for (const n of reading.result.nodes) byId.set(n.node.id, n.node);
  const sums: Sums = new Map();
  for (const { line } of reading.result.lines) {
    const place = withPlaces ? placeOf([line.placeId ? (placeNames.get(line.placeId) ?? '') : '', line.unit, line.label].filter(Boolean), truthPlaces) : null;
    add(sums, cellKey(programItem(line.nodeId, byId), line.source, line.capital, line.vintage, place), line.plan, line.disbursed);
  }
  return sums;
}

const dong = (n: number) => n.toLocaleString('vi-VN');

/** The budget cells whose plan or disbursed differ, as sentences, in key order. */
function differences(got: Sums, want: Sums): string[] {
  const keys = [...new Set([...got.keys(), ...want.keys()])].sort();
  const out: string[] = [];
  for (const k of keys) {
    const g = got.get(k) ?? { plan: 0, disbursed: 0 };
    const w = want.get(k) ?? { plan: 0, disbursed: 0 };
    if (g.plan === w.plan && g.disbursed === w.disbursed) continue;
    const parts = [];
    if (g.plan !== w.plan) parts.push(`plan ${dong(g.plan)} ≠ ${dong(w.plan)}`);
    if (g.disbursed !== w.disbursed) parts.push(`disbursed ${dong(g.disbursed)} ≠ ${dong(w.disbursed)}`);
    out.push(`${k}: ${parts.join(', ')}`);
  }
  return out;
}

interface Outcome {
  file: string;
  exact: boolean;
  got: { plan: number; disbursed: number };
  want: { plan: number; disbursed: number };
  /** What is wrong: the reading's failure, unexpected errors, then the differing cells. */
  problems: string[];
}

const total = (sums: Sums) => [...sums.values()].reduce((a, s) => ({ plan: a.plan + s.plan, disbursed: a.disbursed + s.disbursed }), { plan: 0, disbursed: 0 });

async function readOutcome(truth: Truth): Promise<Outcome> {
  const nodes = instantiateTree('wb');
  const places = (truth.places ?? []).map((name, i) => ({ id: `place-${i}`, name }));
  const bytes = new Uint8Array(readFileSync(new URL(truth.file, CORPUS)));
  const want = truthSums(truth);
  const r = await readImport(bytes, truth.file, { workbookId: 'wb', year: truth.year, nodes, places }, truth.sheet ? { sheet: truth.sheet } : {});
  if (!r.ok) return { file: truth.file, exact: false, got: { plan: 0, disbursed: 0 }, want: total(want), problems: [`reading failed: ${r.error.code}`] };
  const expected = new Set(truth.expectErrors ?? []);
  const errors = r.value.result.problems
    .filter((p) => p.severity === 'error' && !expected.has(p.problem.code))
    .map((p) => `error ${p.problem.code}${p.cell ? ` at ${p.cell}` : ''}${p.raw ? ` ("${p.raw}")` : ''}`);
  const got = readingSums(r.value, truth, nodes);
  const problems = [...errors, ...differences(got, want)];
  return { file: truth.file, exact: problems.length === 0, got: total(got), want: total(want), problems };
}

const outcomes = new Map<string, Promise<Outcome>>();
const outcomeOf = (truth: Truth) => {
  if (!outcomes.has(truth.file)) outcomes.set(truth.file, readOutcome(truth));
  return outcomes.get(truth.file)!;
};

function table(rows: Outcome[]): string {
  const cells = rows.map((o) => [
    o.file.length > 48 ? `${o.file.slice(0, 47)}…` : o.file,
    o.exact ? '✓' : '✗',
    `${dong(o.got.plan)} / ${dong(o.want.plan)}`,
    `${dong(o.got.disbursed)} / ${dong(o.want.disbursed)}`,
    o.problems[0] ?? '',
  ]);
  const head = ['file', 'exact', 'plan got / want', 'disbursed got / want', 'first difference'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (i === 4 ? 0 : c[i].length))));
  const line = (c: string[]) => c.map((x, i) => (i === 4 ? x : x.padEnd(widths[i]))).join('  ');
  return [line(head), ...cells.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

describe('the import corpus, to the đồng', () => {
  it.each(truths.map((t) => [t.file, t] as const))('%s reads exactly as its truth', async (_name, truth) => {
    const o = await outcomeOf(truth);
    expect(o.problems, truth.models).toEqual([]);
  });

  it('prints every reading and how many are exact; the truths are well formed', async () => {
    expect(truths.length).toBeGreaterThanOrEqual(32);
    for (const t of truths) {
      expect(readdirSync(CORPUS)).toContain(t.file);
      expect(typeof t.year).toBe('number');
      expect(t.lines.length, t.file).toBeGreaterThan(0);
      for (const l of t.lines) {
        expect(PROGRAM_CODES.has(l.item), `${t.file}: ${l.item}`).toBe(true);
        expect(['central', 'local', 'other']).toContain(l.source);
        expect(['investment', 'recurrent']).toContain(l.capital);
        expect(Number.isSafeInteger(l.plan) && Number.isSafeInteger(l.disbursed), t.file).toBe(true);
      }
    }
    expect(truths.filter((t) => !t.consistent).length).toBeGreaterThanOrEqual(3);
    const rows = await Promise.all(truths.map(outcomeOf));
    console.log(`${table(rows)}\n\nexact: ${rows.filter((o) => o.exact).length}/${rows.length}`);
  });
});

// ---------------------------------------------------------------------------------------------
// A random report table, written as CSV, reads back to its leaves

const PROJECTS: { code: string; subs: string[] }[] = [
  { code: 'DA1', subs: ['DA1.TDA1', 'DA1.TDA2'] },
  { code: 'DA2', subs: [] },
  { code: 'DA3', subs: ['DA3.TDA1', 'DA3.TDA2'] },
  { code: 'DA4', subs: ['DA4.TDA1', 'DA4.TDA2', 'DA4.TDA3'] },
  { code: 'DA5', subs: [] },
  { code: 'DA6', subs: ['DA6.TDA1', 'DA6.TDA2'] },
  { code: 'DA7', subs: ['DA7.TDA1', 'DA7.TDA2'] },
];
const NAMES = Object.fromEntries(instantiateTree('names').map((n) => [n.code, n.name]));
const TITLE = (code: string) => {
  const m = /^DA(\d)(?:\.TDA(\d))?$/.exec(code)!;
  return m[2] ? `Tiểu dự án ${m[2]}: ${NAMES[code]}` : `Dự án ${m[1]}: ${NAMES[code]}`;
};
const ACTIVITIES = ['Hỗ trợ giống cây trồng', 'Hỗ trợ con giống', 'Tập huấn kỹ thuật', 'Mua sắm vật tư, phân bón', 'Xây dựng mô hình trình diễn', 'Hội nghị triển khai'];
const COMMUNES = ['Xã Lộc Yên', 'Xã Xuân Long', 'Xã Thanh Lòa', 'Xã Bình Trung'];
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'];

interface Amounts {
  central: number;
  local: number;
}
/** A row of the generated table: its money (a leaf) or its rows below. */
interface Row {
  name: string;
  stt: string;
  amounts?: Amounts;
  children?: Row[];
}

const amountArb = fc.record({ central: fc.integer({ min: 1, max: 1e12 }), local: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1e12 })) });

/** The rows below an item at the table's depth: none (the item holds the money), activities, or
 * communes over activities. */
function belowItem(depth: number): fc.Arbitrary<Pick<Row, 'amounts' | 'children'>> {
  const acts = fc.array(amountArb, { minLength: 1, maxLength: 3 }).map((list) => list.map((a, i): Row => ({ name: ACTIVITIES[i], stt: '-', amounts: a })));
  if (depth <= 2) return amountArb.map((amounts) => ({ amounts }));
  if (depth === 3) return acts.map((children) => ({ children }));
  return fc
    .array(acts, { minLength: 1, maxLength: 2 })
    .map((communes) => ({ children: communes.map((children, i): Row => ({ name: COMMUNES[i], stt: String.fromCharCode(97 + i), children })) }));
}

/** A row naming a program item. */
type ItemRow = Row & { code: string };

const layoutArb = fc.record({
  depth: fc.integer({ min: 2, max: 4 }),
  unit: fc.constantFrom('dong' as const, 'trieu' as const),
  subtotals: fc.constantFrom('first' as const, 'last' as const),
  totalColumn: fc.boolean(),
  split: fc.boolean(),
  grandTotal: fc.constantFrom('first' as const, 'last' as const),
  stt: fc.boolean(),
});

type Layout = typeof layoutArb extends fc.Arbitrary<infer L> ? L : never;

const tableArb = layoutArb.chain((layout) =>
  fc
    .uniqueArray(fc.constantFrom(...PROJECTS), { minLength: 1, maxLength: 4, selector: (p) => p.code })
    .map((ps) => [...ps].sort((a, b) => a.code.localeCompare(b.code)))
    .chain((projects) =>
      fc.tuple(
        ...projects.map((p, i) =>
          p.subs.length
            ? fc
                .subarray(p.subs, { minLength: 1 })
                .chain((subs) => fc.tuple(...subs.map((s, j) => belowItem(layout.depth).map((b): ItemRow => ({ code: s, name: TITLE(s), stt: String(j + 1), ...b })))))
                .map((children): ItemRow => ({ code: p.code, name: TITLE(p.code), stt: ROMAN[i], children }))
            : belowItem(layout.depth - 1).map((b): ItemRow => ({ code: p.code, name: TITLE(p.code), stt: ROMAN[i], ...b })),
        ),
      ),
    )
    .map((projects) => ({ layout, projects })),
);

const sumOf = (row: Row): Amounts =>
  row.amounts ?? (row.children ?? []).map(sumOf).reduce((a, b) => ({ central: a.central + b.central, local: a.local + b.local }), { central: 0, local: 0 });

/** An amount in vi-VN as a spreadsheet shows it: 1.338.216.000 đồng, 1.338,216 triệu. */
function viAmount(d: number, unit: 'dong' | 'trieu'): string {
  const group = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  if (unit === 'dong') return group(String(d));
  const frac = String(d % 1e6)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return group(String(Math.floor(d / 1e6))) + (frac ? `,${frac}` : '');
}

/** The table as a district writes it, ";" separated; and the money per (item, source) of its leaves. */
function writeTable(t: { layout: Layout; projects: ItemRow[] }): { csv: string; want: Map<string, number> } {
  const { layout } = t;
  const money = (a: Amounts | null): string[] => {
    if (!a) return layout.split ? (layout.totalColumn ? ['', '', ''] : ['', '']) : [''];
    if (!layout.split) return [viAmount(a.central, layout.unit)];
    const parts = [viAmount(a.central, layout.unit), a.local ? viAmount(a.local, layout.unit) : ''];
    return layout.totalColumn ? [viAmount(a.central + a.local, layout.unit), ...parts] : parts;
  };
  const rows: string[][] = [];
  const emit = (stt: string, name: string, a: Amounts | null) => rows.push([...(layout.stt ? [stt] : []), name, ...money(a)]);
  const walk = (row: Row) => {
    if (!row.children) return emit(row.stt, row.name, row.amounts!);
    emit(row.stt, row.name, layout.subtotals === 'first' ? sumOf(row) : null);
    row.children.forEach(walk);
    if (layout.subtotals === 'last') emit('', `Cộng ${row.name.replace(/:.*$/, '')}`, sumOf(row));
  };
  const grand = sumOf({ name: '', stt: '', children: t.projects });
  if (layout.grandTotal === 'first') emit('', 'Tổng cộng', grand);
  t.projects.forEach(walk);
  if (layout.grandTotal === 'last') emit('', 'Tổng cộng', grand);
  const header = [...(layout.stt ? ['STT'] : []), 'Nội dung', ...(layout.split ? [...(layout.totalColumn ? ['Tổng số'] : []), 'NSTW', 'NSĐP'] : ['Kế hoạch vốn năm 2024'])];
  const lines = [
    'KẾ HOẠCH VỐN CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2024',
    `ĐVT: ${layout.unit === 'dong' ? 'đồng' : 'triệu đồng'}`,
    header.join(';'),
    ...rows.map((r) => r.join(';')),
  ];

  const want = new Map<string, number>();
  const put = (key: string, v: number) => v && want.set(key, (want.get(key) ?? 0) + v);
  const leaves = (item: string, row: Row) => {
    const a = sumOf(row);
    put(`${item} | central`, a.central);
    if (layout.split) put(`${item} | local`, a.local);
  };
  for (const p of t.projects) {
    const subs = (p.children ?? []).filter((c): c is ItemRow => 'code' in c);
    if (subs.length) subs.forEach((s) => leaves(s.code, s));
    else leaves(p.code, p);
  }
  return { csv: lines.join('\r\n') + '\r\n', want };
}

describe('a generated report table', () => {
  it('reads back to the sums of its leaves per item and source, to the đồng', async () => {
    await fc.assert(
      fc.asyncProperty(tableArb, async (t) => {
        const { csv, want } = writeTable(t);
        const nodes = instantiateTree('wb');
        const r = await readImport(utf8(csv), 'bang.csv', { workbookId: 'wb', year: 2024, nodes }, { locale: 'vi' });
        expect(r.ok, csv).toBe(true);
        if (!r.ok) return;
        const byId = new Map<string, TreeNode>(nodes.map((n) => [n.id, n]));
        for (const n of r.value.result.nodes) byId.set(n.node.id, n.node);
        const got = new Map<string, number>();
        for (const { line } of r.value.result.lines) {
          const key = `${programItem(line.nodeId, byId)} | ${line.source}`;
          if (line.plan) got.set(key, (got.get(key) ?? 0) + line.plan);
        }
        expect(Object.fromEntries(got), csv).toEqual(Object.fromEntries(want));
      }),
      { numRuns: 50 },
    );
  });
});
