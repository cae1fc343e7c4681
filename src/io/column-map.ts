// What each column of an imported table means, guessed from its header words in Vietnamese or
// English ("Kế hoạch vốn năm 2023 / NSTW", "Đơn vị thực hiện", "Disbursed to 15/11/2023"). The
// guess is a plain mapping the user may change; its template key, made from the normalised
// header labels, lets a saved mapping be applied again to files with the same headers.

import type { AmountUnit, CapitalType, LineField, Source } from '../domain/model';
import { parseUnit } from '../domain/amount';
import { parseCapital, parseSource } from '../domain/cell-input';
import { foldForMatch, foldToKey, normalizeText } from '../domain/text';
import { namesPlaceKind } from './row-words';
import type { DetectedTable } from './table-detect';
import { PLAN_EXPORT_COLUMNS } from './export-plan';

/** What a column holds: a line's field, or one of the import's own. Amount fields take the
 * column's source, capital type and vintage when its header names them (a split column), else the
 * row's or the defaults. */
export type ImportField =
  | 'ignore'
  | 'stt' // numbering (I, 1, a, -): gives the tree depth
  | 'code' // node code, e.g. DA3.TDA1
  | 'name' // node name (nội dung)
  // label: the line's note (ghi chú); unit: the implementing unit (đơn vị thực hiện); statedPlan:
  // a total of the row's split plan columns, as stated.
  | Extract<LineField, 'label' | 'unit' | 'source' | 'capital' | 'vintage' | 'plan' | 'disbursed' | 'asOf' | 'expectedRate' | 'statedPlan'>
  | 'rate' // a disbursement rate the file states: derived, kept only as a stated figure
  | 'expectedAmount' // money expected to be disbursed by year end ("Ước giải ngân cả năm"): its share of the plan is the expected rate
  | 'statedDisbursed'; // a total of the row's split disbursed columns, as stated

/** Every field, in the order a mapping dialog lists them. */
export const IMPORT_FIELDS: readonly ImportField[] = [
  'ignore',
  'stt',
  'code',
  'name',
  'label',
  'unit',
  'source',
  'capital',
  'vintage',
  'plan',
  'disbursed',
  'asOf',
  'rate',
  'expectedRate',
  'expectedAmount',
  'statedPlan',
  'statedDisbursed',
];

/** Fields whose cells are numbers (amounts or rates), so the column's locale matters. */
export const NUMERIC_FIELDS: ReadonlySet<ImportField> = new Set(['plan', 'disbursed', 'rate', 'expectedRate', 'expectedAmount', 'statedPlan', 'statedDisbursed']);
/** Fields holding money. */
export const AMOUNT_FIELDS: ReadonlySet<ImportField> = new Set(['plan', 'disbursed', 'expectedAmount', 'statedPlan', 'statedDisbursed']);

/** The meaning of one column. */
export interface ColumnRole {
  field: ImportField;
  /** A split column's source, capital type or vintage (from its header). */
  source?: Source;
  capital?: CapitalType;
  vintage?: number;
  /** Money carried over from an earlier year ("chuyển sang"): vintage is the year before the
   * workbook's unless the header names the year. */
  carriedIn?: boolean;
  /** The as-of date a disbursed column's header states ("đến 15/11/2023"), ISO. */
  asOf?: string;
  /** The unit of the column's amounts, when its header states one ("(triệu đồng)"). */
  unit?: AmountUnit;
  /** The program item whose money the column holds, when the table has its items across and a
   * place or unit on each row ("Dự án 2", "Dự án 3 / Tiểu dự án 1"): the item's code. */
  item?: string;
  /** The place whose money the column holds, when the table has its places across ("Chia ra /
   * Huyện Bình Gia"): the place's name as the header writes it. */
  place?: string;
  /** Money added to the same lines' plan ("DT bổ sung" beside "DT giao đầu năm"). */
  supplement?: boolean;
}

export interface ColumnMapping {
  /** Same headers → same key, so a saved mapping can be applied again. */
  templateKey: string;
  /** One role per column of the table. */
  columns: ColumnRole[];
}

// The words for a project and a sub-project, in Vietnamese and English (folded for matching).
const PROJECT = '(?:dự án|da|project)';
const SUB = '(?:tiểu dự án|tda|sub-?\\s*project|subproject)';

/** The program code a row's name states: "Dự án 3: …" → DA3; "Tiểu dự án 1: …" under DA3 →
 * DA3.TDA1; "Dự án 4 - Tiểu dự án 2" → DA4.TDA2; "DA6.TDA1 Giảm nghèo…" → DA6.TDA1. */
export function codeInName(name: string, parentCode: string | null): string | null {
  const s = foldForMatch(name);
  const both = new RegExp(`^${PROJECT}\\s*(\\d+)\\s*[-–:,.]?\\s*${SUB}\\s*(\\d+)\\b`, 'u').exec(s);
  if (both) return `DA${Number(both[1])}.TDA${Number(both[2])}`;
  // "Tiểu dự án 1 (Dự án 3)", "Tiểu dự án 2 - Dự án 6", "TDA1 thuộc DA3", "Sub-project 1 of Project 3".
  const subOf = new RegExp(`^${SUB}\\s*(\\d+)\\s*[-–:,(]?\\s*(?:thuộc\\s+|of\\s+)?${PROJECT}\\s*(\\d+)\\b`, 'u').exec(s);
  if (subOf) return `DA${Number(subOf[2])}.TDA${Number(subOf[1])}`;
  const written = /^(da\d+(?:\.tda\d+)?)\b/u.exec(s);
  if (written) return written[1].toUpperCase();
  const sub = new RegExp(`^${SUB}\\s*(\\d+)\\b`, 'u').exec(s);
  const project = parentCode ? /^(DA\d+)/i.exec(parentCode) : null;
  if (sub && project) return `${project[1].toUpperCase()}.TDA${Number(sub[1])}`;
  const proj = new RegExp(`^${PROJECT}\\s*(\\d+)\\b`, 'u').exec(s);
  if (proj) return `DA${Number(proj[1])}`;
  return null;
}

/** The program item a table's title names ("PHÂN BỔ KINH PHÍ … TIỂU DỰ ÁN 1 - DỰ ÁN 3 NĂM 2024",
 * "Dự án 2: Đa dạng hóa sinh kế"): its code, or null when the titles name none or several. */
export function itemInTitles(titles: readonly string[]): string | null {
  const found = new Set<string>();
  for (const title of titles) {
    const s = foldForMatch(title);
    if (s.length > 400) continue;
    for (const m of s.matchAll(/(?:tiểu dự án|tda)\s*(\d+)\s*(?:[-–,:(]|thuộc)?\s*(?:thuộc\s+)?(?:dự án|da)\s*(\d+)/gu)) found.add(`DA${Number(m[2])}.TDA${Number(m[1])}`);
    for (const m of s.matchAll(/(?<!tiểu )(?:dự án|\bda)\s*(\d+)\s*[-–,:]?\s*(?:tiểu dự án|tda)\s*(\d+)/gu)) found.add(`DA${Number(m[1])}.TDA${Number(m[2])}`);
    if (found.size === 0) for (const m of s.matchAll(/(?<!tiểu )dự án\s*(\d+)\b/gu)) found.add(`DA${Number(m[1])}`);
  }
  return found.size === 1 ? [...found][0] : null;
}

/** The one capital type and the one source a table's titles name ("VỐN ĐẦU TƯ PHÁT TRIỂN NGUỒN
 * NSTW"): defaults for its money; a title naming both capital types (or several sources) says none. */
export function splitInTitles(titles: readonly string[]): { source?: Source; capital?: CapitalType } {
  const capitals = new Set<CapitalType>();
  const sources = new Set<Source>();
  for (const title of titles) {
    // "Sở Kế hoạch và Đầu tư" names an office, not investment money.
    const key = foldToKey(title).replace(/kehoachvadautu/g, '');
    if (!key || key.length > 400 || findUnitIn(title)) continue;
    for (const [w, c] of CAPITAL_IN_KEY) if (key.includes(w)) capitals.add(c);
    if (/kinhphisunghiep|vonsunghiep|chithuongxuyen/.test(key)) capitals.add('recurrent');
    for (const [w, src] of SOURCE_IN_KEY) if (w !== 'khac' && w !== 'local' && w !== 'central' && key.includes(w)) sources.add(src);
  }
  const out: { source?: Source; capital?: CapitalType } = {};
  if (capitals.size === 1) out.capital = [...capitals][0];
  if (sources.size === 1) out.source = [...sources][0];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Units written in titles and headers

const UNIT_LABEL = /(?:đvt|đơn vị tính|đơn vị)\s*:\s*([^;)]+)/u;

/** The money unit a title or header states: "ĐVT: triệu đồng", "Đơn vị tính: Tỷ đồng",
 * "Kế hoạch (triệu đồng)", "(ĐVT: tr.đ)"; null when it states none. */
export function findUnitIn(text: string): AmountUnit | null {
  const s = foldForMatch(text);
  if (!s || s.length > 200) return null;
  const whole = parseUnit(s);
  if (whole) return whole;
  const labelled = UNIT_LABEL.exec(s);
  if (labelled) {
    const u = parseUnit(labelled[1].trim());
    if (u) return u;
  }
  for (const m of s.matchAll(/\(([^()]*)\)/g)) {
    const u = parseUnit(m[1].trim()) ?? (UNIT_LABEL.exec(m[1]) ? parseUnit(UNIT_LABEL.exec(m[1])![1].trim()) : null);
    if (u) return u;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Header words (as foldToKey keys: no diacritics, no spaces or punctuation)

type TextField = 'stt' | 'code' | 'name' | 'label' | 'unit' | 'source' | 'capital' | 'vintage' | 'ignore';
const TEXT_FIELDS: ReadonlySet<string> = new Set<TextField>(['stt', 'code', 'name', 'label', 'unit', 'source', 'capital', 'vintage', 'ignore']);
type Measure = 'plan' | 'disbursed' | 'asOf' | 'rate' | 'expectedRate';

/** One meaning of a header word, as folded keys (no diacritics, spaces or punctuation): `exact`
 * keys are the whole header part, `prefixes` start it. `examples` are headers offices write, each
 * read as `means` (the vocabulary's test reads every one, and checks every word has one). */
export interface HeaderWords {
  means: TextField | Measure | 'unread';
  exact: readonly string[];
  prefixes: readonly string[];
  examples: readonly string[];
}

/**
 * Every word a column header is read by, in the order tried: text fields first ("Đơn vị thực
 * hiện" holds "thực hiện", which alone means disbursed), then figures the app derives and never
 * reads ("Đối ứng NSĐP yêu cầu", "Chênh lệch"), then measures ("Dự kiến tỷ lệ giải ngân" is
 * expected, "Tỷ lệ giải ngân" a rate, "Giải ngân đến 15/11" disbursed). Abbreviations as offices
 * write them: KH, KHV, KH vốn, KH giao, DT giao, GN, TH, ước TH. A key's year ("KH 2023") is
 * dropped before a measure word is matched.
 */
export const HEADER_VOCABULARY: readonly HeaderWords[] = [
  { means: 'stt', exact: ['stt', 'tt', 'sothutu', 'sott', 'no', 'nr', 'number'], prefixes: [], examples: ['STT', 'TT', 'Số thứ tự', 'Số TT', 'No.', 'Nr', 'Number'] },
  {
    means: 'code',
    exact: ['ma', 'maso', 'code', 'madong', 'maduan', 'manoidung', 'kyhieu', 'id', 'linecode', 'nodecode'],
    prefixes: [],
    examples: ['Mã', 'Mã số', 'Code', 'Mã dòng', 'Mã dự án', 'Mã nội dung', 'Ký hiệu', 'ID', 'Line code', 'Node code'],
  },
  { means: 'ignore', exact: ['dvt', 'donvitinh', 'unitofmeasure', 'uom'], prefixes: [], examples: ['ĐVT', 'Đơn vị tính', 'Unit of measure', 'UoM'] },
  {
    means: 'unit',
    exact: ['donvi', 'unit', 'implementer', 'agency'],
    prefixes: ['donvithuchien', 'donvichutri', 'donviduocgiao', 'chudautu', 'coquanthuchien', 'coquanchutri', 'implementing', 'executingagency'],
    examples: [
      'Đơn vị',
      'Unit',
      'Implementer',
      'Agency',
      'Đơn vị thực hiện',
      'Đơn vị chủ trì',
      'Đơn vị được giao',
      'Chủ đầu tư',
      'Cơ quan thực hiện',
      'Cơ quan chủ trì',
      'Implementing unit',
      'Executing agency',
    ],
  },
  {
    means: 'source',
    exact: ['nguonvon', 'nguon', 'source', 'fundingsource', 'nguonkinhphi', 'nguonngansach', 'fund'],
    prefixes: [],
    examples: ['Nguồn vốn', 'Nguồn', 'Source', 'Funding source', 'Nguồn kinh phí', 'Nguồn ngân sách', 'Fund'],
  },
  {
    means: 'capital',
    exact: ['loaivon', 'tinhchatvon', 'capital', 'capitaltype', 'loaikinhphi', 'type'],
    prefixes: [],
    examples: ['Loại vốn', 'Tính chất vốn', 'Capital', 'Capital type', 'Loại kinh phí', 'Type'],
  },
  {
    means: 'vintage',
    exact: ['nam', 'namgiaovon', 'vintage', 'year', 'namnguonvon', 'nguonnam', 'namvon', 'vonnam', 'namkehoach'],
    prefixes: [],
    examples: ['Năm', 'Năm giao vốn', 'Vintage', 'Year', 'Năm nguồn vốn', 'Nguồn năm', 'Năm vốn', 'Vốn năm', 'Năm kế hoạch'],
  },
  {
    means: 'label',
    exact: [],
    prefixes: ['ghichu', 'note', 'remark', 'comment', 'ketqua', 'sanpham', 'khoiluong', 'output', 'mota', 'label'],
    examples: ['Ghi chú', 'Note', 'Remarks', 'Comment', 'Kết quả thực hiện', 'Sản phẩm', 'Khối lượng', 'Output', 'Mô tả', 'Label'],
  },
  {
    means: 'name',
    // "Project" alone or "Project name", never "Projected …". A place column ("Huyện", "Xã") names
    // each row too: its place, or the unit of a table with its items across.
    exact: [
      'project',
      'projects',
      'component',
      'subproject',
      'huyen',
      'xa',
      'tinh',
      'district',
      'commune',
      'locality',
      'xathitran',
      'huyenthanhpho',
      'huyenthixathanhpho',
      'xaphuongthitran',
      'donvihanhchinh',
    ],
    prefixes: [
      'noidung',
      'ten',
      'danhmuc',
      'chitieu',
      'hangmuc',
      'name',
      'item',
      'description',
      'duan',
      'chuongtrinh',
      'nhiemvu',
      'hoatdong',
      'projectname',
      'projecttitle',
      'projectsub',
      'componentname',
      'activity',
      'budgetline',
      'diaban',
    ],
    examples: [
      'Nội dung',
      'Tên xã',
      'Danh mục dự án',
      'Chỉ tiêu',
      'Hạng mục',
      'Name',
      'Item',
      'Description',
      'Dự án',
      'Chương trình',
      'Nhiệm vụ',
      'Hoạt động',
      'Project',
      'Projects',
      'Component',
      'Subproject',
      'Project name',
      'Project title',
      'Project / sub-project',
      'Component name',
      'Activity',
      'Budget line',
      'Huyện',
      'Xã',
      'Tỉnh',
      'District',
      'Commune',
      'Locality',
      'Xã, thị trấn',
      'Huyện, thành phố',
      'Huyện, thị xã, thành phố',
      'Xã, phường, thị trấn',
      'Đơn vị hành chính',
      'Địa bàn',
    ],
  },
  {
    // Not this year's lines: figures the app computes itself, a project's total investment and what
    // earlier years allocated, needs, money cancelled, the decision a row cites.
    means: 'unread',
    exact: ['chenhlech', 'difference', 'delta', 'conlai', 'remaining', 'tmdt', 'huy', 'sohuy', 'nhucau', 'cancelled'],
    prefixes: [
      'doiungyeucau',
      'doiungnsdpyeucau',
      'nsdpyeucau',
      'yeucaudoiung',
      'requiredlocal',
      'requiredcounterpart',
      'chenhlech',
      'sovoibaocao',
      'dukiengiainganconlai',
      'dukienconlai',
      'dukienchuyennguon',
      'nguycohuy',
      'projectedcarry',
      'projectedunspent',
      'atrisk',
      'tongmucdautu',
      'tmdt',
      'luykevondabotri',
      'luykedabotri',
      'luykevonbotri',
      'luykebotri',
      'vondabotri',
      'dabotri',
      'luykevondaphanbo',
      'luykedaphanbo',
      'daphanbodenhet',
      'huydutoan',
      'dutoanbihuy',
      'nhucauvon',
      'totalinvestment',
      'previouslyallocated',
      'quyetdinh',
      'soquyetdinh',
      'sovanban',
      'sokyhieu',
    ],
    examples: [
      'Chênh lệch',
      'Difference',
      'Delta',
      'Còn lại',
      'Remaining',
      'TMĐT',
      'Hủy',
      'Số hủy',
      'Nhu cầu',
      'Cancelled',
      'Đối ứng yêu cầu',
      'Đối ứng NSĐP yêu cầu',
      'NSĐP yêu cầu',
      'Yêu cầu đối ứng',
      'Required local',
      'Required counterpart',
      'Chênh lệch so với báo cáo',
      'So với báo cáo',
      'Dự kiến giải ngân còn lại',
      'Dự kiến còn lại',
      'Dự kiến chuyển nguồn',
      'Nguy cơ hủy',
      'Projected carry-over',
      'Projected unspent',
      'At risk of lapse',
      'Tổng mức đầu tư',
      'TMĐT được duyệt',
      'Lũy kế vốn đã bố trí đến hết năm 2023',
      'Lũy kế đã bố trí',
      'Lũy kế vốn bố trí',
      'Lũy kế bố trí',
      'Vốn đã bố trí',
      'Đã bố trí',
      'Lũy kế vốn đã phân bổ',
      'Lũy kế đã phân bổ',
      'Đã phân bổ đến hết năm 2023',
      'Hủy dự toán',
      'Dự toán bị hủy',
      'Nhu cầu vốn',
      'Total investment',
      'Previously allocated',
      'Quyết định đầu tư',
      'Số quyết định',
      'Số văn bản',
      'Số, ký hiệu',
    ],
  },
  {
    means: 'expectedRate',
    exact: [],
    prefixes: ['dukien', 'uocthuchien', 'uocth', 'uocgiaingan', 'uocgn', 'uoc', 'expected', 'forecast', 'target', 'projected', 'estimate'],
    examples: [
      'Dự kiến giải ngân cả năm (%)',
      'Ước thực hiện cả năm (%)',
      'Ước TH (%)',
      'Ước giải ngân (%)',
      'Ước GN (%)',
      'Ước cả năm (%)',
      'Expected (%)',
      'Forecast (%)',
      'Target (%)',
      'Projected rate (%)',
      'Estimated rate (%)',
    ],
  },
  { means: 'rate', exact: [], prefixes: ['tyle', 'tile', 'rate', 'percent', 'phantram'], examples: ['Tỷ lệ giải ngân', 'Tỉ lệ', 'Rate', 'Percent', 'Phần trăm'] },
  {
    means: 'asOf',
    exact: ['ngay', 'date', 'asof', 'ngaysolieu', 'thoidiem', 'thoidiembaocao', 'ngaybaocao', 'denngay'],
    prefixes: [],
    examples: ['Ngày', 'Date', 'As of', 'Ngày số liệu', 'Thời điểm', 'Thời điểm báo cáo', 'Ngày báo cáo', 'Đến ngày'],
  },
  {
    means: 'disbursed',
    exact: ['chi', 'dachi', 'th', 'thuc'],
    // No Vietnamese word opens with "gn": GN is always giải ngân.
    prefixes: [
      'giaingan',
      'dagiaingan',
      'luyke',
      'thuchien',
      'thanhtoan',
      'dathanhtoan',
      'gn',
      'thluyke',
      'ththang',
      'thden',
      'thnam',
      'thquy',
      'thky',
      'quyettoan',
      'dasudung',
      'kinhphidasudung',
      'denghiquyettoan',
      'disburs',
      'spent',
      'actual',
      'paid',
      'expenditure',
      'executed',
      'used',
    ],
    examples: [
      'Chi',
      'Đã chi',
      'GN',
      'TH',
      'TH 9 tháng',
      'TH 6 tháng đầu năm',
      'TH đến 30/9/2023',
      'TH năm 2023',
      'TH quý III',
      'TH kỳ báo cáo',
      'Thực',
      'Giải ngân đến 15/11/2023',
      'Đã giải ngân',
      'Lũy kế giải ngân',
      'Thực hiện',
      'Thanh toán',
      'Đã thanh toán',
      'GN đến 30/9',
      'GN NSTW đến 30/9',
      'TH lũy kế',
      'Quyết toán',
      'Đã sử dụng',
      'Kinh phí đã sử dụng đề nghị quyết toán',
      'Đề nghị quyết toán',
      'Kinh phí đã giải ngân',
      'Disbursed',
      'Spent',
      'Actual',
      'Paid',
      'Expenditure',
      'Executed',
      'Used',
    ],
  },
  {
    means: 'plan',
    exact: ['kh', 'khv', 'von', 'plan', 'budget', 'dutoan', 'dt', 'khgiao', 'kinhphi', 'tongkinhphi'],
    prefixes: [
      'kehoach',
      'khvon',
      'khgiao',
      'khdieuchinh',
      'khbosung',
      'dtgiao',
      'dtduocgiao',
      'dtbosung',
      'vongiao',
      'giaovon',
      'dutoan',
      'kinhphinam',
      'kinhphigiao',
      'kinhphiduocgiao',
      'tongvon',
      'phanbo',
      'duocphanbo',
      'duocgiao',
      'bosung',
      'planned',
      'allocat',
      'assigned',
      'approved',
      'supplement',
      'chuyensang',
      'chuyennguon',
      'keodai',
      'carriedover',
      'carryover',
    ],
    examples: [
      'KH',
      'KHV',
      'Vốn',
      'Vốn năm 2024',
      'Plan',
      'Budget',
      'Dự toán',
      'DT',
      'KH giao',
      'Kinh phí',
      'Tổng kinh phí',
      'Kế hoạch vốn năm 2023',
      'KH vốn năm 2023',
      'KH giao năm 2024',
      'KH điều chỉnh',
      'KH bổ sung',
      'DT giao',
      'DT được giao',
      'DT bổ sung',
      'Vốn giao',
      'Giao vốn',
      'Dự toán được giao',
      'Kinh phí năm 2024',
      'Kinh phí giao',
      'Kinh phí được giao',
      'Tổng vốn',
      'Phân bổ',
      'Số vốn được phân bổ',
      'Được giao',
      'Bổ sung',
      'Planned',
      'Allocated',
      'Assigned',
      'Approved budget',
      'Supplementary',
      'Vốn năm 2022 chuyển sang',
      'Chuyển nguồn',
      'Kéo dài',
      'Carried over',
      'Carryover',
    ],
  },
];

const textWords = HEADER_VOCABULARY.filter((w): w is HeaderWords & { means: TextField } => TEXT_FIELDS.has(w.means));
const measureWords = HEADER_VOCABULARY.filter((w) => !TEXT_FIELDS.has(w.means));

// Words before a measure that do not change it: "Số vốn đã giải ngân", "Giá trị giải ngân",
// "Vốn phân bổ", "Kết quả giải ngân" (a "Kết quả" alone is a text: what was achieved).
const MEASURE_FILLERS = ['sovon', 'sotien', 'so', 'giatri', 'ketqua', 'tongkinhphi', 'kinhphi', 'von'];

/** The measure a key names (or 'derived'), trying it again after each filler word it opens
 * with, and without its digits ("KH 2023", "TH 9 tháng"). */
function measureOf(key: string): Measure | 'unread' | undefined {
  // "Kinh phí đã giải ngân": a filler that alone means plan gives way to what follows it.
  let plan = false;
  for (const start of new Set([key, key.replace(/\d+/g, '')])) {
    for (let k = start; k;) {
      const w = measureWords.find((x) => wordMatch(k, x.exact, x.prefixes));
      if (w && w.means !== 'plan') return w.means as Measure | 'unread';
      if (w) plan = true;
      const filler = MEASURE_FILLERS.find((f) => k.startsWith(f) && k.length > f.length);
      if (!filler) break;
      k = k.slice(filler.length);
    }
  }
  return plan ? 'plan' : undefined;
}

// Things counted in a table's columns: households, people, classes, models, communes, works.
const COUNTS =
  /\s(?:hộ|người|nhân\s+khẩu|lao\s+động|học\s+viên|lượt(?:\s+người)?|lớp|mô\s+hình|xã|thôn|bản|công\s+trình|dự\s+án|con|cái|km|ha|m2|tấn|điểm|hệ\s+số|households?|people|persons?|classes|models|communes)\s/u;

// Words that say "an amount" without saying which: "Giải ngân / Số tiền" is disbursed money.
const MONEY_WORDS = new Set(['sotien', 'amount', 'giatri', 'value', 'thanhtien']);
// Place words that parseSource reads as the local budget; as a header they name a place column.
const PLACE_WORDS = new Set(['xa', 'huyen', 'tinh', 'capxa', 'caphuyen', 'captinh']);
const TOTAL_WORDS = new Set(['tong', 'tongso', 'tongcong', 'cong', 'total', 'sum', 'tongnguonvon', 'tongcongnguonvon']);
const CARRY_WORDS = ['chuyensang', 'chuyennguon', 'namtruocchuyensang', 'keodai', 'carriedover', 'carryover', 'carriedin'];
const SOURCE_IN_KEY: [string, Source][] = [
  ['nstw', 'central'],
  ['trunguong', 'central'],
  ['central', 'central'],
  ['nsdp', 'local'],
  ['diaphuong', 'local'],
  ['local', 'local'],
  ['khac', 'other'],
  ['other', 'other'],
];
const CAPITAL_IN_KEY: [string, CapitalType][] = [
  ['dautu', 'investment'],
  ['dtpt', 'investment'],
  ['investment', 'investment'],
  ['sunghiep', 'recurrent'],
  ['recurrent', 'recurrent'],
];

/** What one header part says. */
interface PartReading {
  text?: TextField;
  measure?: Measure;
  total?: boolean;
  /** Says "an amount" but not which (Số tiền). */
  money?: boolean;
  source?: Source;
  capital?: CapitalType;
  year?: number;
  carriedIn?: boolean;
  /** Money carried on to a year ("chuyển nguồn sang năm 2025"), or to the next ("sang năm sau"). */
  carriedTo?: number | 'next';
  /** This year's own money ("Giao trong năm", "Năm nay"), beside money carried in. */
  thisYear?: boolean;
  /** Money added to a plan ("bổ sung"). */
  supplement?: boolean;
  /** Names a place ("Huyện Mường Nhé" under "Chia ra"): the column holds that place's money. */
  place?: string;
  /** Names the year of some money and nothing more ("Vốn năm 2024", "Năm 2023 chuyển sang"): plan
   * money unless another part of the header names its measure. */
  yearMoney?: boolean;
  /** Says a share ("%", "tỷ lệ"), or an estimate ("Ước …"). */
  percent?: boolean;
  estimate?: boolean;
  asOf?: string;
  unit?: AmountUnit;
}

/** "chuyển (nguồn) sang năm 2025", "kéo dài sang 2024", "chuyển sang năm sau": where money goes. */
const CARRIED_TO = /(?:chuyển(?:\s+nguồn)?|kéo\s+dài)\s+sang\s+(?:năm\s+)?(?:((?:19|20)\d{2})(?!\d)|(?:sau|tới|kế\s+tiếp)\b)/iu;

const wordMatch = (key: string, exact: readonly string[], prefixes: readonly string[]): boolean => exact.includes(key) || prefixes.some((p) => key.startsWith(p));
const anyIncludes = <T>(key: string, table: [string, T][]): T | undefined => table.find(([w]) => key.includes(w))?.[1];

/** The meaning of one header cell (one row's part of a column's label). */
function readPart(part: string): PartReading {
  const text = normalizeText(part);
  // Units ("(triệu đồng)") and dates are read off before the words, so they do not hide them.
  const unit = findUnitIn(text) ?? undefined;
  const date = /(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})/.exec(text);
  const asOf = date ? `${date[3]}-${date[2].padStart(2, '0')}-${date[1].padStart(2, '0')}` : undefined;
  const bare = text.replace(/\([^()]*\)/g, ' ').replace(/(?:đvt|đơn vị tính)\s*:.*$/iu, '');
  const key = foldToKey(bare);
  const reading: PartReading = { unit, asOf };
  const to = CARRIED_TO.exec(bare);
  if (to) reading.carriedTo = to[1] ? Number(to[1]) : 'next';
  // The money's own year, not the year it goes to.
  const year = date ? null : /(?:^|\D)((?:19|20)\d{2})(?!\d)/.exec(to ? bare.replace(to[0], ' ') : bare);
  if (year) reading.year = Number(year[1]);
  if (/%/.test(text)) reading.measure = 'rate';
  if (/%/.test(text) || /tyle|tile|rate|percent|phantram/.test(key)) reading.percent = true;
  if (!key) return reading;
  if (key.startsWith('uoc')) reading.estimate = true;

  const named = measureOf(key);
  for (const w of textWords) {
    // "Kết quả giải ngân" is money; "Kết quả thực hiện" ("tập huấn 217 người") is text.
    if (w.means === 'label' && key.startsWith('ketqua') && named === 'disbursed' && !key.includes('thuchien')) break;
    if (wordMatch(key, w.exact, w.prefixes)) return { ...reading, text: w.means, measure: undefined };
  }
  // Not this year's lines ("Đối ứng NSĐP yêu cầu", "Chênh lệch", "Tổng mức đầu tư", "Hủy dự toán").
  if (named === 'unread') return { ...reading, text: 'ignore', measure: undefined };
  // A count ("Tổng số hộ", "Số hộ nghèo", "Số người", "Số lớp") is no money, whatever its words.
  if (!named && !reading.unit && COUNTS.test(` ${foldForMatch(bare)} `)) return { ...reading, text: 'ignore', measure: undefined };
  const source = parseSource(bare);
  const capital = parseCapital(bare);
  if (source.ok && !PLACE_WORDS.has(key)) return { ...reading, source: source.value };
  if (capital.ok) return { ...reading, capital: capital.value };
  if (TOTAL_WORDS.has(key) || key.startsWith('tongso') || key.startsWith('tongcong')) return { ...reading, total: true };
  if (MONEY_WORDS.has(key)) return { ...reading, money: true };

  if (named) reading.measure = reading.measure === 'rate' && named === 'expectedRate' ? 'expectedRate' : (reading.measure ?? (named as Measure));
  reading.source = anyIncludes(
    key,
    SOURCE_IN_KEY.filter(([w]) => w !== 'khac' || key.endsWith(w)),
  );
  reading.capital = anyIncludes(key, CAPITAL_IN_KEY);
  if (CARRY_WORDS.some((w) => key.includes(w))) reading.carriedIn = true;
  if (/bosung|supplement/.test(key)) reading.supplement = true;
  if (/giaotrongnam|trongnam|namnay|thisyear|currentyear/.test(key) && !reading.carriedIn) reading.thisYear = true;
  if (!reading.measure && /^(?:von|kinhphi|nguon)?nam(?:19|20)\d{2}/.test(key)) reading.yearMoney = true;
  if (!reading.measure && namesPlaceKind(text)) reading.place = text;
  // A source or capital type in brackets ("Disbursed (local)", "Kế hoạch (NSTW)"), not a unit.
  for (const m of text.matchAll(/\(([^()]*)\)/g)) {
    if (findUnitIn(m[1])) continue;
    const inner = foldToKey(m[1]);
    const source = parseSource(m[1]);
    reading.source ??=
      source.ok && !PLACE_WORDS.has(inner)
        ? source.value
        : anyIncludes(
            inner,
            SOURCE_IN_KEY.filter(([w]) => w !== 'khac'),
          );
    const capital = parseCapital(m[1]);
    reading.capital ??= capital.ok ? capital.value : anyIncludes(inner, CAPITAL_IN_KEY);
  }
  return reading;
}

/** How strongly a cell reads as a column header: 1 when it names a field, a measure, a source,
 * a capital type, a total or an amount, else 0. Long text (titles, sentences) scores 0. */
export function headerWordScore(text: string): number {
  const s = normalizeText(text);
  if (!s || s.length > 80) return 0;
  const r = readPart(s);
  return r.text || r.measure || r.source || r.capital || r.total || r.money || r.yearMoney ? 1 : 0;
}

/** The role of a column from its header parts, top to bottom ("Kế hoạch vốn năm 2023", "NSTW").
 * The lowest part that names a field or a measure decides; qualifiers (source, capital type,
 * year, carried over, as-of date, unit, total) are gathered from every part. A column named only
 * by a source ("NSTW") holds plan money. */
type GuessedRole = ColumnRole & { total?: boolean; carriedTo?: number | 'next'; thisYear?: boolean };

export function guessColumn(written: readonly string[]): GuessedRole {
  // A header flattened into one cell ("KHV 2024 - NSTW", "Giải ngân / Tổng số") reads as its parts.
  const parts = written.flatMap((p) => {
    const pieces = p.split(/\s+[-–/|]\s+/u);
    return pieces.length > 1 && pieces.filter((x) => headerWordScore(x) > 0 || /^(?:năm\s+)?(?:19|20)\d{2}$/iu.test(x)).length >= 2 ? pieces : [p];
  });
  // A part naming a program item ("Dự án 3", then "Tiểu dự án 1" under it) makes the column that
  // item's money; the other parts still say which measure, source or capital type.
  let item: string | undefined;
  const rest: string[] = [];
  for (const p of parts) {
    const code = p.length <= 80 ? codeInName(p, item ?? null) : null;
    if (code) item = code;
    else rest.push(p);
  }
  if (item) {
    const role = guessColumn(rest);
    const field = role.field === 'disbursed' ? 'disbursed' : 'plan';
    return { ...(AMOUNT_FIELDS.has(role.field) ? role : {}), field, item };
  }
  const readings = parts.map(readPart);
  let decided: PartReading | undefined;
  for (let i = readings.length - 1; i >= 0 && !decided; i--) {
    if (readings[i].text || readings[i].measure) decided = readings[i];
  }
  // A qualifier from the lowest part that states it.
  const q = (k: keyof PartReading) => {
    for (let i = readings.length - 1; i >= 0; i--) if (readings[i][k] !== undefined) return readings[i][k];
    return undefined;
  };
  const qualified = readings.some((r) => r.source || r.capital || r.total || r.carriedIn || r.money || r.yearMoney || r.place);
  if (decided?.text) {
    // A text field's header may also carry a unit, never a split.
    return { field: decided.text };
  }
  const measure: Measure | undefined = decided?.measure ?? (qualified ? 'plan' : undefined);
  if (!measure) return { field: 'ignore' };
  const role: GuessedRole = { field: measure };
  if (measure === 'plan' || measure === 'disbursed') {
    for (const k of ['source', 'capital', 'unit', 'carriedIn', 'total', 'supplement', 'place'] as const) {
      const v = q(k);
      if (v !== undefined) (role as unknown as Record<string, unknown>)[k] = v;
    }
    const year = q('year');
    if (typeof year === 'number') role.vintage = year;
    if (measure === 'disbursed' && q('asOf')) role.asOf = q('asOf') as string;
  }
  const carriedTo = q('carriedTo');
  if (carriedTo !== undefined) role.carriedTo = carriedTo as number | 'next';
  if (q('thisYear') && role.vintage === undefined) role.thisYear = true;
  // An expected figure in money, not a rate: "Ước giải ngân đến 31/12", "Dự kiến giải ngân (triệu
  // đồng)". Its share of the row's plan is the expected rate.
  if (measure === 'expectedRate' && !q('percent') && (q('unit') !== undefined || q('estimate'))) {
    const unit = q('unit') as AmountUnit | undefined;
    return unit ? { field: 'expectedAmount', unit } : { field: 'expectedAmount' };
  }
  return role;
}

/** The key of a split: columns with the same key hold the same money. */
const splitKey = (r: ColumnRole): string =>
  `${r.source ?? ''}|${r.capital ?? ''}|${r.vintage ?? ''}|${r.carriedIn ? 'c' : ''}|${r.item ?? ''}|${r.place ?? ''}|${r.supplement ? 's' : ''}`;

/** A guessed mapping for the detected table. Amount columns of one measure that are split by
 * source or capital type turn their unsplit sibling (a "Tổng số") into the stated total; a second
 * STT, code or name column is ignored or taken as a label. */
export function guessMapping(table: Pick<DetectedTable, 'headers' | 'headerParts'>, year?: number): ColumnMapping {
  const own = ownExportRoles(table.headers, table.headerParts);
  if (own) return { templateKey: templateKeyOf(table.headers), columns: own };
  const guessed = table.headerParts.map((parts) => guessColumn(parts));
  // Money carried on to a later year is not this year's plan ("Số vốn chuyển nguồn sang năm 2025",
  // "… sang năm sau"); money carried into the plan's year is ("Vốn năm 2023 chuyển sang năm 2024").
  guessed.forEach((g, i) => {
    if (g.carriedTo === undefined || (g.field !== 'plan' && g.field !== 'expectedRate')) return;
    if (g.carriedTo === 'next' || (year !== undefined && g.carriedTo !== year)) guessed[i] = { field: 'ignore' };
    else if (year !== undefined && g.field === 'plan') {
      g.carriedIn = true;
      g.vintage ??= year - 1;
    }
  });
  for (const measure of ['plan', 'disbursed'] as const) {
    const cols = guessed.filter((g) => g.field === measure);
    const split = cols.some((g) => g.source || g.capital || g.item || g.place);
    if (!split) continue;
    for (const g of cols) {
      // An item's own total beside its split or its sub-items ("Dự án 3 / Tổng số" by "Dự án 3 /
      // ĐTPT", or by "Dự án 3 / Tiểu dự án 1").
      const item = g.item;
      if (item && !g.source && !g.capital && cols.some((o) => o !== g && o.item && ((o.item === item && (o.source || o.capital)) || o.item.startsWith(`${item}.`)))) {
        g.field = measure === 'plan' ? 'statedPlan' : 'statedDisbursed';
        continue;
      }
      if (g.source || g.capital || g.item || g.place) continue;
      // The unsplit column of a split measure totals the others as the file states it.
      if (g.total || cols.some((o) => o !== g && (o.source || o.capital || o.item || o.place) && (o.vintage ?? null) === (g.vintage ?? null))) {
        g.field = measure === 'plan' ? 'statedPlan' : 'statedDisbursed';
      }
    }
  }
  const seen = new Set<ImportField>();
  // This year's own money ("Giao trong năm") is of the plan's year.
  for (const g of guessed) if (g.thisYear && year !== undefined && (g.field === 'plan' || g.field === 'disbursed')) g.vintage = year;
  const columns: ColumnRole[] = guessed.map(({ total: _total, carriedTo: _to, thisYear: _this, ...role }) => {
    if (role.field === 'name' && seen.has('name')) return { field: 'label' };
    if (
      (role.field === 'stt' ||
        role.field === 'code' ||
        role.field === 'unit' ||
        role.field === 'source' ||
        role.field === 'capital' ||
        role.field === 'vintage' ||
        role.field === 'asOf') &&
      seen.has(role.field)
    )
      return { field: 'ignore' };
    seen.add(role.field);
    return role;
  });
  return { templateKey: templateKeyOf(table.headers), columns };
}

// The meaning of each column of the plan as the app exports it (io/export-plan.ts): the figures
// it derives (rate, projection, required local share, difference) are computed again, not read.
const OWN_EXPORT_ROLES: Readonly<Record<string, ImportField>> = {
  code: 'code',
  name: 'name',
  unit: 'unit',
  source: 'source',
  capital: 'capital',
  vintage: 'vintage',
  plan: 'plan',
  disbursed: 'disbursed',
  asOf: 'asOf',
  expected: 'expectedRate',
  statedPlan: 'statedPlan',
};

/** The exact mapping of a table the app exported: its headers are the plan export's, in Vietnamese
 * or English, a unit in brackets aside ("Kế hoạch (triệu đồng)" in a CSV), each once and in any
 * order, with the code, name and plan among them. Columns a user added after exporting (a "Ghi
 * chú", a note typed far to the right) keep the meaning their own header gives, or none, and do not
 * shift the others. Null for any other table. */
function ownExportRoles(headers: readonly string[], headerParts: readonly (readonly string[])[]): ColumnRole[] | null {
  const keys = headers.map((h) => foldToKey(h.replace(/\s*\([^()]*\)\s*$/, '')));
  for (const lang of ['vi', 'en'] as const) {
    const byKey = new Map(PLAN_EXPORT_COLUMNS.map((c) => [foldToKey(c.header[lang]), c.key]));
    const found = keys.map((k) => byKey.get(k) ?? null);
    const seen = new Set<string>();
    let twice = false;
    for (const key of found) if (key) twice ||= seen.has(key) || !seen.add(key);
    // A table that shares a word or two with the export ("Nội dung", "Kế hoạch") is not it.
    if (twice || !['code', 'name', 'plan'].every((k) => seen.has(k)) || seen.size < Math.ceil(PLAN_EXPORT_COLUMNS.length * 0.6)) continue;
    return found.map((key, c) => {
      if (key) return { field: OWN_EXPORT_ROLES[key] ?? 'ignore' };
      // An added column: a note is a label; anything else is not read.
      return guessColumn(headerParts[c] ?? []).field === 'label' ? { field: 'label' } : { field: 'ignore' };
    });
  }
  return null;
}

/** Columns with the same key hold the same money of the same field. */
export const duplicateKey = (r: ColumnRole): string => `${r.field}|${AMOUNT_FIELDS.has(r.field) ? splitKey(r) : ''}`;

/** Columns mapped to the same field and split more than once: only the first visible one is read
 * (a hidden column yields to a visible one meaning the same: it is most often a superseded figure). */
export function duplicateColumns(columns: readonly ColumnRole[], hidden: ReadonlySet<number> = new Set()): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  const order = columns.map((_, i) => i).sort((a, b) => Number(hidden.has(a)) - Number(hidden.has(b)) || a - b);
  for (const i of order) {
    const r = columns[i];
    if (r.field === 'ignore' || r.field === 'label') continue;
    const key = duplicateKey(r);
    if (seen.has(key)) out.push(i);
    seen.add(key);
  }
  return out.sort((a, b) => a - b);
}

/** A stable key for a table's headers: the same labels (after folding case, accents and spaces)
 * in the same order give the same key. */
export function templateKeyOf(headers: readonly string[]): string {
  const text = headers.map(foldToKey).join('|');
  // FNV-1a, 32 bits: short, stable, and collisions between real header rows are negligible.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `h${headers.length}-${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** The mapping to use: the saved one for this table's template when there is one of the right
 * width, else the guess. */
export function chooseMapping(
  table: Pick<DetectedTable, 'headers' | 'headerParts'>,
  saved: Readonly<Record<string, readonly ColumnRole[]>> = {},
  year?: number,
): { mapping: ColumnMapping; fromTemplate: boolean } {
  const guess = guessMapping(table, year);
  const columns = saved[guess.templateKey];
  if (columns && columns.length === table.headers.length) {
    return { mapping: { templateKey: guess.templateKey, columns: columns.map((c) => ({ ...c })) }, fromTemplate: true };
  }
  return { mapping: guess, fromTemplate: false };
}
