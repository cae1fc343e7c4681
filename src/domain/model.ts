import type { ProblemCode } from './messages';
// The budget model: workbooks, the budget-line tree, lines and stated figures.
// Money is always an integer number of đồng (a JS number, exact below 2^53 ≈ 9·10^15 đ).
// Rates are percentages as numbers (80 means 80 %). Ids are strings so workbooks can merge.

export type Id = string;

/** Display unit for amounts; storage is always đồng. */
export type AmountUnit = 'dong' | 'nghin' | 'trieu' | 'ty';
/** How numbers are written: vi-VN (1.234,5) or en (1,234.5). */
export type NumberLocale = 'vi' | 'en';
export type Lang = 'vi' | 'en';

export type Source = 'central' | 'local' | 'other';
export type CapitalType = 'investment' | 'recurrent';

export const SOURCES: readonly Source[] = ['central', 'local', 'other'];
export const CAPITAL_TYPES: readonly CapitalType[] = ['investment', 'recurrent'];

/** Measures a source document may state, compared with the computed figure. */
export type StatedMeasure = 'plan' | 'central' | 'local' | 'other' | 'disbursed' | 'rate' | 'expectedRate' | 'carriedIn' | 'carriedOut' | 'multiYearTotal';

/** Stated figures: amounts in đồng, rates in percent. Absent key = not stated. */
export type StatedFigures = Partial<Record<StatedMeasure, number>>;

/** Workbook-level stated figures for one year, as the source document gives them. */
export interface StatedYear {
  year: number;
  figures: StatedFigures;
  /** Where the figures come from, e.g. "Báo cáo UBND huyện Cao Lộc, 11/2023". */
  note?: string;
}

export interface WorkbookSettings {
  /** Default as-of date for disbursed-so-far, ISO yyyy-mm-dd. */
  asOf: string | null;
  /** How lines are projected to year end (absent in older workbooks = the defaults). */
  projection?: ProjectionSettings;
  /** How a formula's result is rounded into its cell (absent = half away from zero). */
  formulaRounding?: RoundingRule;
}

/** How a value is rounded to the places kept: half away from zero (the default), half to even, away from zero, towards zero. */
export type RoundingRule = 'half-away-from-zero' | 'half-even' | 'up' | 'down';

/** How a line's year-end disbursement is projected (see domain/projection.ts). */
export type ProjectionMethod = 'expected' | 'linear' | 'backloaded' | 'custom' | 'lastYear';

export interface ProjectionSettings {
  /** The workbook's method; a line may name its own. */
  method: ProjectionMethod;
  /** Back-loaded profile: cumulative percent disbursed at each month's end (an editable assumption). */
  backloaded: number[];
  /** Custom profile: percent of the year's disbursement in each month (12 values). */
  custom: number[];
  /** Last year's actual disbursement by month, đồng (12 values); null = not known. */
  lastYearMonths: number[] | null;
  /** Investment money may be disbursed until 31 December of N+1 instead of 31 January. */
  investmentExtended: boolean;
  /** Percentage points between an expected rate and the profile's that raise a flag. */
  flagGap: number;
}

/** Months of a line's monthly actuals: January to December, then January of the next year. */
export const MONTH_COUNT = 13;

export interface Workbook {
  id: Id;
  name: string;
  /** The plan year (năm kế hoạch). */
  year: number;
  /** Place the workbook covers, free text for now (places arrive with allocation). */
  placeName: string;
  createdAt: number;
  updatedAt: number;
  settings: WorkbookSettings;
  stated: StatedYear[];
  /** The scenario the grid edits; scenarios beyond the baseline arrive later. */
  baselineScenarioId: Id;
  /** Free note shown with the workbook (where figures come from, assumptions made). */
  note?: string;
  /** True for the built-in demo workbook (can be reset). */
  demo?: boolean;
  /** Criterion columns of the places sheet (schema v2; absent in older records = the defaults). */
  criteria?: CriterionDef[];
  /** Required counterpart ratios by year and capital type (schema v2). */
  counterpart?: CounterpartRatio[];
  /** Set when the places' figures are illustrative, not official (shown on screen). */
  placesIllustrative?: boolean;
  /** The administration the plan belongs to and how its reports are headed and signed. */
  office?: OfficeInfo;
  /** Column formulas for every line whose items set none. */
  columnFormulas?: Partial<Record<FormulaField, CellFormula>>;
  /** Unknown fields from newer versions are kept, never dropped. */
  [extra: string]: unknown;
}

/**
 * The office a workbook belongs to, and what its report's heading and signature block say, as a
 * Vietnamese administrative document lays them out (Decree 30/2020/NĐ-CP): the body above the
 * issuer, the issuer, the number, the place and date line; the recipients; who compiled it and who
 * signs it. Every field is free text; blank fields are left out of the document.
 */
export interface OfficeInfo {
  province: string;
  district: string;
  /** The issuing body ("Ủy ban nhân dân huyện Cao Lộc"). */
  issuer: string;
  /** The body above it ("UBND tỉnh Lạng Sơn"), if the document names one. */
  parent: string;
  /** The document number line ("Số: …/BC-UBND"). */
  number: string;
  /** The place in the date line ("Cao Lộc"). */
  place: string;
  /** The date of the document, ISO yyyy-mm-dd; null leaves day and month blank for the signer. */
  date: string | null;
  /** "Nơi nhận", one per line. */
  recipients: string;
  /** Người lập biểu. */
  compiler: string;
  /** Who signs: title lines ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"). */
  signerTitle: string;
  signerName: string;
}

/** A node of the budget-line tree: program → project → sub-project → activity. */
export interface TreeNode {
  id: Id;
  workbookId: Id;
  parentId: Id | null;
  code: string;
  name: string;
  /** Sort key among siblings. */
  order: number;
  stated?: StatedFigures;
  /** Notes (ghi chú) on the item's cells, by grid column key. */
  notes?: CellNotes;
  /** Column formulas for the lines below this item (the nearest item's formula applies). */
  columnFormulas?: Partial<Record<FormulaField, CellFormula>>;
}

/** Notes a user wrote on cells of a row, by grid column key ("plan", "name" …). */
export type CellNotes = Record<string, string>;

/** One amount row: a budget line crossed with unit, place, source, capital type and vintage. */
export interface Line {
  id: Id;
  nodeId: Id;
  /** Sort key among the lines of a node. */
  order: number;
  /** Optional description of the line (activity, note). */
  label: string;
  /** Implementing unit (đơn vị thực hiện); empty when the source does not state it. */
  unit: string;
  placeId: Id | null;
  source: Source;
  capital: CapitalType;
  /** Year the money was assigned (vintage). */
  vintage: number;
  /** Assigned plan, đồng. */
  plan: number;
  /** Disbursed so far, đồng. */
  disbursed: number;
  /** As-of date of `disbursed`, ISO yyyy-mm-dd; null = the workbook default. */
  asOf: string | null;
  /** Expected year-end disbursement rate typed by the user (an assumption), percent; null = none. */
  expectedRate: number | null;
  stated?: StatedFigures;
  /** Actual disbursement by month, đồng (MONTH_COUNT entries, null = not known); absent = none known. */
  months?: (number | null)[];
  /** Projection method of this line; absent or null = the workbook's. */
  method?: ProjectionMethod | null;
  /** Recurrent money of this line may carry over into next year (a rule allows it). */
  carryEligible?: boolean;
  /** Carry-over into next year as confirmed by the user, đồng; absent or null = not confirmed. */
  carryConfirmed?: number | null;
  /** Set on lines an allocation rule wrote: the rule and the recipient (place id or reserve id). */
  allocation?: { ruleId: Id; key: string };
  /** Notes (ghi chú) on the line's cells, by grid column key. */
  notes?: CellNotes;
  /** Formulas typed into the line's cells; the cell's field holds the value last computed. */
  formulas?: Partial<Record<FormulaField, CellFormula>>;
  /** Cells where a value was typed over the column formula that applies to them (marked in the grid). */
  typedOver?: FormulaField[];
}

/** The fields of a line a formula may compute. */
export type FormulaField = 'plan' | 'disbursed' | 'expectedRate';

/**
 * A formula as stored: its text with references by record id (domain/formula/parse, "stored"
 * style) and the amount unit it was typed in (its numbers and amount references are in that unit).
 */
export interface CellFormula {
  text: string;
  unit: AmountUnit;
}

/** The baseline (the plan being worked on), a named variant, or a frozen version. */
export type ScenarioKind = 'baseline' | 'variant' | 'version';

/** Workbook-level inputs a scenario may set differently: counterpart ratios and projection settings. */
export interface ScenarioInputs {
  counterpart?: CounterpartRatio[];
  settings?: WorkbookSettings;
}

export interface Scenario {
  id: Id;
  workbookId: Id;
  name: string;
  createdAt: number;
  /** Absent in older records: the workbook's baselineScenarioId is the baseline, any other a variant. */
  kind?: ScenarioKind;
  note?: string;
  /** When a version was frozen (read-only from then on). */
  frozenAt?: number;
  /** The scenario or version this one was copied from. */
  sourceId?: Id;
  /** Marked by the user as the scenario adopted (at most one per workbook). */
  adopted?: boolean;
  /**
   * The scenario's own counterpart ratios and projection settings. The baseline's live in the
   * workbook record (as before scenarios existed); every other scenario keeps its own here.
   */
  inputs?: ScenarioInputs;
  /**
   * Check entries the user marked reviewed (domain/checks), by entry id: the note, the fingerprint
   * of the entry's numbers when marked (the mark lapses when they change) and when (epoch ms).
   */
  reviews?: Record<string, CheckReview>;
  /** Totals imported files stated that their lines did not reproduce, checked again on every change. */
  fileChecks?: FileCheck[];
  /** Unknown fields from newer versions are kept, never dropped. */
  [extra: string]: unknown;
}

/**
 * A total or subtotal an imported file states ("II. Cấp huyện", a district over its communes, a
 * "Vốn ĐTPT" column) that the lines it brought did not add up to, kept with the scenario so the
 * checks tab shows it against the lines as they are now (an item's or the program's stated
 * figures are checked as such; these are the ones the plan has no place for).
 */
export interface FileCheck {
  /** Stable: the file, sheet, row and column. */
  id: string;
  file: string;
  sheet: string;
  /** 1-based row of the sheet, its label as written, and the column's header. */
  row: number;
  label: string;
  column: string;
  measure: 'plan' | 'disbursed';
  /** What the file states, đồng. */
  stated: number;
  /** The lines that landed for the rows under it (of the column's source, capital type…). */
  lineIds: Id[];
}

/** A check entry marked reviewed, with the user's note. */
export interface CheckReview {
  note: string;
  fingerprint: string;
  at: number;
}

/** A whole workbook in memory: what the demo builder returns and a backup holds. */
export interface WorkbookData {
  workbook: Workbook;
  nodes: TreeNode[];
  scenarios: Scenario[];
  /** Lines of the baseline scenario. */
  lines: Line[];
  /** Places and their criterion values (schema v2; empty for older data). */
  places?: Place[];
  /** Saved allocation rules (schema v2). */
  rules?: AllocationRuleRecord[];
}

/** Editable fields of a line, as a grid edit names them. */
export type LineField =
  | 'label'
  | 'unit'
  | 'source'
  | 'capital'
  | 'vintage'
  | 'plan'
  | 'disbursed'
  | 'asOf'
  | 'expectedRate'
  | 'statedPlan'
  | 'method'
  | 'carryEligible'
  | 'carryConfirmed'
  | MonthField;

/** A month of a line's actuals as a field: m1 … m12, m13 = January of the next year. */
export type MonthField = `m${number}`;

/** Expected failures are values: a code the messages module turns into a sentence. */
export interface Problem {
  code: ProblemCode;
  params?: Record<string, string | number>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: Problem };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ProblemCode, params?: Problem['params']): Result<T> => ({
  ok: false,
  error: { code, params },
});

// ---- places, criteria, allocation rules, counterpart ratios (schema v2) ---------------------

export type PlaceKind = 'province' | 'district' | 'commune' | 'unit';
/** How a criterion column is read and shown: a count, a percentage, a yes/no flag, or an area. */
export type CriterionKind = 'count' | 'percent' | 'flag' | 'area';

/** A criterion column of the places sheet (households, poor households, flags…). */
export interface CriterionDef {
  key: string;
  label: string;
  kind: CriterionKind;
}

/** A recipient of allocations: a commune, district or implementing unit, with its criterion values. */
export interface Place {
  id: Id;
  workbookId: Id;
  parentId: Id | null;
  code: string;
  name: string;
  kind: PlaceKind;
  /** Criterion values by key; flags are 1 or 0; null = not known. */
  values: Record<string, number | null>;
  order: number;
}

/** The local budget's required share of central money, for one year and capital type. */
export interface CounterpartRatio {
  year: number;
  capital: CapitalType;
  /** Required local amount as a percentage of the central amount (e.g. 1.73). */
  percent: number;
}

/** A saved allocation rule: how one envelope of a budget line is split among places. */
export interface AllocationRuleRecord {
  id: Id;
  workbookId: Id;
  scenarioId: Id;
  name: string;
  nodeId: Id;
  source: Source;
  capital: CapitalType;
  year: number;
  envelope: number;
  /** Rounding unit in đồng (1, 1 000, 1 000 000). */
  unit: number;
  criteria: { key: string; weight: number }[];
  reserved: { id: string; label: string; amount?: number; percent?: number }[];
  /** Per place: pinned amount, floor, cap (đồng); absent = none. */
  overrides: Record<Id, { pinned?: number; floor?: number; cap?: number; eligible?: boolean }>;
  floor?: number;
  cap?: number;
  /** Places with a criterion below its minimum are not eligible. */
  minimum?: Record<string, number>;
  createdAt: number;
  updatedAt: number;
}

/** The default criteria columns of a new workbook (users may add their own). */
export const DEFAULT_CRITERIA: readonly CriterionDef[] = [
  { key: 'households', label: 'Số hộ', kind: 'count' },
  { key: 'poor', label: 'Hộ nghèo', kind: 'count' },
  { key: 'nearPoor', label: 'Hộ cận nghèo', kind: 'count' },
  { key: 'population', label: 'Dân số', kind: 'count' },
  { key: 'ethnicShare', label: 'Tỷ lệ DTTS (%)', kind: 'percent' },
  { key: 'area', label: 'Diện tích (km²)', kind: 'area' },
  { key: 'difficult', label: 'Xã ĐBKK', kind: 'flag' },
  { key: 'poorDistrict', label: 'Huyện nghèo', kind: 'flag' },
];
