// The demo workbook "Cao Lộc 2023": the eight lines and the district totals exactly as the
// district's November 2023 monitoring report states them (figures in triệu đồng there, đồng here).
// The report's figures do not all agree; they are loaded as written, never corrected.

import type { Line, OfficeInfo, Place, TreeNode, WorkbookData } from './model';
import { blankOffice, placeLine } from './office';
import { DEFAULT_CRITERIA, MONTH_COUNT } from './model';
import { DEFAULT_PROJECTION } from './projection';
import { instantiateTree } from './tree';
import { newId } from './ids';

const TRIEU = 1_000_000;
/** triệu đồng → đồng, exact for the report's figures (at most three decimals). */
const tr = (x: number): number => Math.round(x * 1000) * 1000;

interface DemoLine {
  code: string;
  unit: string;
  label: string;
  plan: number;
  disbursed: number;
  vintage: number;
  expected: number;
  statedRate?: number;
}

const DEMO_LINES: DemoLine[] = [
  {
    code: 'DA2',
    unit: '',
    label: '15 mô hình, 236 hộ (2022–2023); giải ngân từ nguồn 2022 chuyển sang',
    plan: 5436,
    disbursed: 2000,
    vintage: 2022,
    expected: 100,
    statedRate: 100,
  },
  {
    code: 'DA3.TDA1',
    unit: '',
    label: 'Khoảng 474 hộ (2022–2023); giải ngân từ nguồn 2022 chuyển sang',
    plan: 2398,
    disbursed: 153,
    vintage: 2022,
    expected: 100,
    statedRate: 43.6,
  },
  { code: 'DA3.TDA2', unit: 'Trung tâm Y tế huyện', label: '', plan: 566, disbursed: 77.04, vintage: 2023, expected: 80 },
  { code: 'DA4.TDA1', unit: 'Trung tâm GDNN-GDTX', label: '04 lớp, 140 người', plan: 2148, disbursed: 365, vintage: 2023, expected: 17, statedRate: 17 },
  {
    code: 'DA6.TDA1',
    unit: 'Phòng Văn hoá và Thông tin',
    label: 'Gồm nguồn 2022 chuyển sang; giải ngân từ nguồn 2022',
    plan: 2241,
    disbursed: 500,
    vintage: 2022,
    expected: 90,
    statedRate: 22.31,
  },
  { code: 'DA6.TDA2', unit: 'Phòng LĐ-TB&XH-DT', label: '66 pano, 24.000 tờ rơi, 7.000 sổ tay', plan: 232, disbursed: 172, vintage: 2023, expected: 80, statedRate: 74.14 },
  { code: 'DA7.TDA1', unit: 'Phòng LĐ-TB&XH-DT', label: '06 lớp, khoảng 1.268 cộng tác viên', plan: 520, disbursed: 320, vintage: 2023, expected: 100, statedRate: 61.54 },
  { code: 'DA7.TDA2', unit: 'Phòng LĐ-TB&XH-DT', label: 'Tập huấn 217 người; giám sát 10 xã', plan: 278, disbursed: 122, vintage: 2023, expected: 90, statedRate: 43.88 },
];

/** Multi-year totals the report states for some lines (2022 + 2023), kept for the checks. */
const STATED_MULTI_YEAR: Record<string, number> = { DA2: 7531, 'DA3.TDA1': 3304, 'DA4.TDA1': 3750 };

export const DEMO_NAME = 'Cao Lộc 2023';

/**
 * ILLUSTRATIVE commune figures: the report gives no per-commune data. These 22 commune-level units
 * are made up so that they add up exactly to the district totals the report states (19.820
 * households, 1.644 poor of which 62 in the two towns, 2.023 near-poor) and follow its poverty-rate
 * bands (2 communes above 50 %, 1 above 30 %, 6 from 10 to 30 %, 13 below 10 %). The workbook marks
 * them as illustrative on screen. Columns: name, households, poor, near-poor, especially difficult.
 */
const DEMO_PLACES: [string, number, number, number, 0 | 1][] = [
  ['Thị trấn Cao Lộc', 2950, 30, 305, 0],
  ['Thị trấn Đồng Đăng', 3120, 32, 323, 0],
  ['Lộc Yên', 420, 84, 43, 1],
  ['Xuân Long', 610, 79, 62, 1],
  ['Thanh Lò', 380, 220, 60, 1],
  ['Bình Trung', 450, 238, 70, 1],
  ['Hoà Cư', 700, 62, 69, 0],
  ['Phú Xá', 520, 120, 59, 1],
  ['Công Sơn', 430, 142, 53, 1],
  ['Thạch Đạn', 560, 90, 59, 1],
  ['Mẫu Sơn', 300, 33, 24, 1],
  ['Cao Lâu', 650, 47, 61, 0],
  ['Bảo Lâm', 900, 52, 87, 0],
  ['Gia Cát', 1100, 31, 105, 0],
  ['Hải Yến', 800, 42, 76, 0],
  ['Hợp Thành', 760, 21, 69, 0],
  ['Tân Liên', 1150, 48, 111, 0],
  ['Tân Thành', 980, 46, 94, 0],
  ['Thụy Hùng', 1020, 63, 100, 0],
  ['Xuất Lễ', 690, 53, 66, 0],
  ['Yên Trạch', 830, 56, 81, 0],
  ['Song Giáp', 500, 55, 46, 1],
];

/** The demo's illustrative places (see DEMO_PLACES). */
export function buildDemoPlaces(workbookId: string): Place[] {
  return DEMO_PLACES.map(([name, households, poor, nearPoor, difficult], i) => ({
    id: newId(),
    workbookId,
    parentId: null,
    code: `X${String(i + 1).padStart(2, '0')}`,
    name,
    kind: 'commune',
    values: { households, poor, nearPoor, population: Math.round(households * 4.1), ethnicShare: null, area: null, difficult, poorDistrict: 0 },
    order: i,
  }));
}

/** A fresh copy of the demo workbook, with new ids each call. */
export function buildDemoWorkbook(now = Date.now()): WorkbookData {
  const workbookId = newId();
  const scenarioId = newId();
  const nodes: TreeNode[] = instantiateTree(workbookId).map((n) =>
    STATED_MULTI_YEAR[n.code] !== undefined ? { ...n, stated: { multiYearTotal: STATED_MULTI_YEAR[n.code] * TRIEU } } : n,
  );
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const lines: Line[] = DEMO_LINES.map((d, i) => ({
    id: newId(),
    nodeId: byCode.get(d.code)!.id,
    order: i,
    label: d.label,
    unit: d.unit,
    placeId: null,
    source: 'central',
    capital: 'recurrent',
    vintage: d.vintage,
    plan: tr(d.plan),
    disbursed: tr(d.disbursed),
    asOf: null,
    expectedRate: d.expected,
    // The report shows 2022's recurrent money carried into 2023, so this year's may carry over too (assumed).
    ...(d.vintage === 2023 ? { carryEligible: true } : {}),
    ...(d.statedRate !== undefined ? { stated: { rate: d.statedRate } } : {}),
  }));
  return {
    workbook: {
      id: workbookId,
      name: DEMO_NAME,
      year: 2023,
      placeName: 'Huyện Cao Lộc, tỉnh Lạng Sơn',
      createdAt: now,
      updatedAt: now,
      settings: { asOf: '2023-11-15' },
      // The heading and signature block of the district's report (the number and day left blank, as in it).
      office: {
        province: 'Lạng Sơn',
        district: 'Cao Lộc',
        issuer: 'Ủy ban nhân dân huyện Cao Lộc',
        parent: '',
        number: 'Số:      /BC-UBND',
        place: 'Cao Lộc',
        date: null,
        recipients:
          'Sở LĐ, TB & XH;\nSở Thông tin và Truyền thông;\nCT, PCT UBND huyện;\nThành viên BCĐ rà soát hộ nghèo, cận nghèo của huyện;\nUBND các xã, thị trấn;\nC, PCVP;\nLưu: VT.',
        compiler: '',
        signerTitle: 'KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH',
        signerName: 'Nguyễn Văn Thịnh',
      },
      note:
        'Số liệu theo Báo cáo thực hiện Chương trình MTQG giảm nghèo bền vững năm 2023 của UBND huyện Cao Lộc (tháng 11/2023). ' +
        'Báo cáo không ghi ngày số liệu: 15/11/2023 là giả định. Nguồn vốn và loại vốn của từng dòng không được nêu: ghi NSTW, sự nghiệp. ' +
        'Vốn sự nghiệp năm 2023 được giả định là được chuyển nguồn sang 2024, như vốn 2022 đã được chuyển sang 2023.',
      stated: [
        {
          year: 2023,
          figures: { plan: tr(13392), central: tr(13164), local: tr(228), disbursed: tr(3168), rate: 23.66, expectedRate: 80 },
          note: 'Mục II.2 của báo cáo',
        },
        {
          year: 2022,
          figures: { plan: tr(5589), central: tr(5589), disbursed: 1_338_216_000, rate: 23.94, carriedOut: 4_250_784_000 },
          note: 'Mục II.2 của báo cáo',
        },
      ],
      baselineScenarioId: scenarioId,
      demo: true,
      criteria: DEFAULT_CRITERIA.map((c) => ({ ...c })),
      // 2023: the report's 228 local against 13.164 central; 2022: no local money.
      counterpart: [
        { year: 2023, capital: 'recurrent', percent: 1.73 },
        { year: 2023, capital: 'investment', percent: 1.73 },
        { year: 2022, capital: 'recurrent', percent: 0 },
        { year: 2022, capital: 'investment', percent: 0 },
      ],
      placesIllustrative: true,
    },
    nodes,
    scenarios: [{ id: scenarioId, workbookId, name: 'Kịch bản gốc', createdAt: now }],
    lines,
    places: buildDemoPlaces(workbookId),
    rules: [],
  };
}

/** A new empty workbook for a year, with the program's default tree and no lines. */
export function buildEmptyWorkbook(name: string, year: number, now = Date.now(), office: OfficeInfo = blankOffice()): WorkbookData {
  const workbookId = newId();
  const scenarioId = newId();
  return {
    workbook: {
      id: workbookId,
      name,
      year,
      placeName: placeLine(office),
      office,
      createdAt: now,
      updatedAt: now,
      settings: { asOf: null },
      stated: [],
      baselineScenarioId: scenarioId,
      criteria: DEFAULT_CRITERIA.map((c) => ({ ...c })),
      counterpart: [],
    },
    nodes: instantiateTree(workbookId),
    scenarios: [{ id: scenarioId, workbookId, name: 'Kịch bản gốc', createdAt: now }],
    lines: [],
    places: [],
    rules: [],
  };
}

/** Ten months of actuals (January to October) summing exactly to `total`, more of it late in the year. */
function monthsOf(total: number): (number | null)[] {
  const months: (number | null)[] = new Array(MONTH_COUNT).fill(null);
  let left = total;
  for (let m = 0; m < 10; m++) {
    const part = m === 9 ? left : Math.round((total * (m + 1)) / 55 / 1000) * 1000;
    months[m] = part;
    left -= part;
  }
  return months;
}

/**
 * A generated workbook of `lineCount` lines spread over the default tree (for benchmarks and
 * large-data tests). Deterministic for a given count.
 */
export function buildGeneratedWorkbook(lineCount: number, now = Date.now()): WorkbookData {
  const data = buildEmptyWorkbook(`Sinh tự động ${lineCount.toLocaleString('vi-VN')} dòng`, 2024, now);
  // Projected from a back-loaded profile at mid-November; some lines report monthly actuals.
  data.workbook.settings = { asOf: '2024-11-15', projection: { ...DEFAULT_PROJECTION, method: 'backloaded' } };
  const leaves = data.nodes.filter((n) => !data.nodes.some((c) => c.parentId === n.id));
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const units = ['Phòng LĐ-TB&XH', 'Trung tâm Y tế', 'Trung tâm GDNN-GDTX', 'Phòng Văn hoá và Thông tin', 'UBND xã'];
  for (let i = 0; i < lineCount; i++) {
    const plan = Math.round(rand() * 5_000) * 1_000_000;
    data.lines.push({
      id: newId(),
      nodeId: leaves[i % leaves.length].id,
      order: i,
      label: `Dòng ${i + 1}`,
      unit: units[i % units.length],
      placeId: null,
      source: i % 7 === 0 ? 'local' : 'central',
      capital: i % 3 === 0 ? 'investment' : 'recurrent',
      vintage: i % 5 === 0 ? 2023 : 2024,
      plan,
      disbursed: Math.round((plan * rand() * 0.5) / 1000) * 1000,
      asOf: null,
      expectedRate: 60 + Math.round(rand() * 40),
      ...(i % 4 === 0 ? { months: monthsOf(Math.round((plan * rand() * 0.5) / 1000) * 1000) } : {}),
      ...(i % 11 === 0 ? { method: 'linear' as const } : {}),
      ...(i % 2 === 0 ? { carryEligible: true } : {}),
    });
  }
  return data;
}
