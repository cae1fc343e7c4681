// What users type into the non-money cells of a line: funding source, capital type and year, in
// Vietnamese or English, abbreviated or spelled out, with or without diacritics; and the labels the
// grid shows for those values. Money, rates and dates are parsed in ./amount.

import type { CapitalType, Lang, ProjectionMethod, Result, Source } from './model';
import { fail, ok } from './model';
import { foldToKey, normalizeText } from './text';

/** Short labels for a funding source, per interface language. */
export const SOURCE_LABELS: Record<Lang, Record<Source, string>> = {
  vi: { central: 'NSTW', local: 'NSĐP', other: 'Khác' },
  en: { central: 'Central', local: 'Local', other: 'Other' },
};

/** Short labels for a capital type, per interface language. */
export const CAPITAL_LABELS: Record<Lang, Record<CapitalType, string>> = {
  vi: { investment: 'Đầu tư', recurrent: 'Sự nghiệp' },
  en: { investment: 'Investment', recurrent: 'Recurrent' },
};

// Keys are foldToKey forms: no diacritics, đ → d, no spaces or punctuation.
const SOURCE_KEYS: Record<string, Source> = {
  tw: 'central',
  trunguong: 'central',
  central: 'central',
  centralbudget: 'central',
  dp: 'local',
  diaphuong: 'local',
  // Local money comes from the province, district or commune budget (DOMAIN.md).
  tinh: 'local',
  captinh: 'local',
  huyen: 'local',
  caphuyen: 'local',
  xa: 'local',
  capxa: 'local',
  local: 'local',
  localbudget: 'local',
  khac: 'other',
  huydong: 'other',
  xahoihoa: 'other',
  other: 'other',
  others: 'other',
};

const CAPITAL_KEYS: Record<string, CapitalType> = {
  dautu: 'investment',
  dtpt: 'investment',
  dautuphattrien: 'investment',
  xdcb: 'investment',
  xaydungcoban: 'investment',
  investment: 'investment',
  invest: 'investment',
  sunghiep: 'recurrent',
  sn: 'recurrent',
  thuongxuyen: 'recurrent',
  chithuongxuyen: 'recurrent',
  recurrent: 'recurrent',
};

// Words that may precede the keyword without changing it: "nguồn vốn ngân sách trung ương".
const SOURCE_PREFIXES = ['nguonvon', 'nguon', 'von', 'ngansach', 'ns'];
const CAPITAL_PREFIXES = ['nguonvon', 'von', 'kinhphi'];

/** Looks a key up, then again after peeling each known prefix in turn. */
function lookUp<T>(text: string, table: Record<string, T>, prefixes: readonly string[]): T | null {
  let key = foldToKey(text);
  for (;;) {
    if (Object.hasOwn(table, key)) return table[key];
    const prefix = prefixes.find((p) => key.startsWith(p) && key.length > p.length);
    if (!prefix) return null;
    key = key.slice(prefix.length);
  }
}

/** The funding source named by the text: NSTW, TW, "ngân sách trung ương", central → central;
 * NSĐP, ĐP, "địa phương", local → local; "khác", other → other. Case, diacritics, NFD and Ð are
 * tolerated. Fails with source.unknown. */
export function parseSource(text: string): Result<Source> {
  const source = lookUp(text, SOURCE_KEYS, SOURCE_PREFIXES);
  return source ? ok(source) : fail('source.unknown', { text });
}

/** The capital type named by the text: "Đầu tư", ĐTPT, "vốn đầu tư", investment → investment;
 * "Sự nghiệp", SN, "thường xuyên", recurrent → recurrent. Fails with capital.unknown. */
export function parseCapital(text: string): Result<CapitalType> {
  const capital = lookUp(text, CAPITAL_KEYS, CAPITAL_PREFIXES);
  return capital ? ok(capital) : fail('capital.unknown', { text });
}

/** A four-digit year from 1990 to 2100 ("2023", "năm 2023"). Fails with year.invalid. */
export function parseYear(text: string): Result<number> {
  const s = normalizeText(text).replace(/^(?:năm|year)\s+/iu, '');
  if (!/^\d{4}$/.test(s)) return fail('year.invalid', { text });
  const year = Number(s);
  return year >= 1990 && year <= 2100 ? ok(year) : fail('year.invalid', { text });
}

/** Labels of the projection methods, per interface language. */
export const METHOD_LABELS: Record<Lang, Record<ProjectionMethod, string>> = {
  vi: { expected: 'Theo tỷ lệ dự kiến', linear: 'Đều theo tháng', backloaded: 'Dồn cuối năm', custom: 'Tỷ trọng tự nhập', lastYear: 'Như các tháng năm trước' },
  en: { expected: 'Expected rate', linear: 'Linear', backloaded: 'Back-loaded', custom: 'Custom shares', lastYear: "Last year's months" },
};

const METHOD_KEYS: Record<string, ProjectionMethod> = {
  dukien: 'expected',
  tyle: 'expected',
  expected: 'expected',
  deu: 'linear',
  tuyentinh: 'linear',
  linear: 'linear',
  doncuoinam: 'backloaded',
  cuoinam: 'backloaded',
  backloaded: 'backloaded',
  tunhap: 'custom',
  custom: 'custom',
  namtruoc: 'lastYear',
  lastyear: 'lastYear',
};
for (const lang of ['vi', 'en'] as const) for (const [m, label] of Object.entries(METHOD_LABELS[lang])) METHOD_KEYS[foldToKey(label)] = m as ProjectionMethod;

/** The projection method named by the text (a label in either language or a short word); blank = the
 * workbook's method (null). Fails with method.unknown. */
export function parseMethod(text: string): Result<ProjectionMethod | null> {
  if (!normalizeText(text)) return ok(null);
  const m = lookUp(text, METHOD_KEYS, ['theo', 'phuongphap']);
  return m ? ok(m) : fail('method.unknown', { text });
}

export const YES_NO_LABELS: Record<Lang, { yes: string; no: string }> = { vi: { yes: 'Có', no: 'Không' }, en: { yes: 'Yes', no: 'No' } };
const YES = new Set(['co', 'x', 'yes', 'y', '1', 'true', 'duoc', 'dat']);
const NO = new Set(['khong', 'no', 'n', '0', 'false', '']);

/** Yes or no as users write it: Có/Không, x, yes/no, 1/0; blank = no. Fails with yesno.unknown. */
export function parseYesNo(text: string): Result<boolean> {
  const key = foldToKey(text);
  if (YES.has(key)) return ok(true);
  if (NO.has(key)) return ok(false);
  return fail('yesno.unknown', { text });
}
