// Sentences for problems: the one place that turns a Problem code into Vietnamese and English.
// Each module's codes live in their own section table below; to add codes, write a table of type
// MessageTable next to the others and spread it into MESSAGES. Templates name params as {param};
// numbers are interpolated as given, so callers pass amounts already formatted for the reader.

import type { Lang, Problem } from './model';

/** One problem's sentence in each interface language, with {param} placeholders. */
export type MessageTemplates = Record<Lang, string>;
/** Problem code → sentences. */
export type MessageTable = Record<string, MessageTemplates>;

/** Codes from ./amount (parseAmount, parseRate, parseDate) and the importers that use them. */
export const AMOUNT_MESSAGES: MessageTable = {
  'amount.not-a-number': {
    vi: 'Không đọc được "{text}" thành số tiền. Ví dụ hợp lệ: 1.234,5 hoặc 77,04 triệu.',
    en: 'Cannot read "{text}" as an amount of money. Valid examples: 1,234.5 or 77.04 million.',
  },
  'amount.too-precise': {
    vi: '"{text}" lẻ hơn 1 đồng; số tiền phải là một số đồng nguyên.',
    en: '"{text}" has a fraction of a đồng; amounts must be whole đồng.',
  },
  'amount.too-large': {
    vi: '"{text}" quá lớn: số tiền không được vượt quá 9.007.199.254.740.991 đồng.',
    en: '"{text}" is too large: amounts cannot exceed 9,007,199,254,740,991 đồng.',
  },
  'amount.ambiguous': {
    vi: '"{text}" có thể hiểu theo hai cách; đã đọc là {reading}. Hãy kiểm tra lại.',
    en: '"{text}" can be read two ways; it was read as {reading}. Please check it.',
  },
  'rate.not-a-number': {
    vi: 'Không đọc được "{text}" thành tỷ lệ phần trăm. Ví dụ hợp lệ: 80 hoặc 43,60 %.',
    en: 'Cannot read "{text}" as a percentage. Valid examples: 80 or 43.60%.',
  },
  'date.invalid': {
    vi: '"{text}" không phải là ngày hợp lệ. Hãy viết theo ngày/tháng/năm, ví dụ 15/11/2023.',
    en: '"{text}" is not a valid date. Write day/month/year, e.g. 15/11/2023, or 2023-11-15.',
  },
};

/** Codes from ./cell-input. */
export const CELL_INPUT_MESSAGES: MessageTable = {
  'source.unknown': {
    vi: 'Không nhận ra nguồn vốn "{text}". Hãy chọn NSTW, NSĐP hoặc Khác.',
    en: 'Unknown funding source "{text}". Choose Central (NSTW), Local (NSĐP) or Other.',
  },
  'capital.unknown': {
    vi: 'Không nhận ra loại vốn "{text}". Hãy chọn Đầu tư hoặc Sự nghiệp.',
    en: 'Unknown capital type "{text}". Choose Investment or Recurrent.',
  },
  'year.invalid': {
    vi: '"{text}" không phải là năm hợp lệ (từ 1990 đến 2100).',
    en: '"{text}" is not a valid year (1990 to 2100).',
  },
};

/** Codes from ./allocate (splitEnvelope). Amount params are numbers of đồng; format them for the
 * reader (e.g. "5,4 tỷ đồng") before describing the problem. */
export const ALLOCATION_MESSAGES: MessageTable = {
  'allocation.reserved-exceed': {
    vi: 'Các khoản để lại ({reserved}) cộng các mức giao cố định ({pinned}) vượt quá tổng vốn cần phân bổ ({envelope}).',
    en: 'Reserved amounts ({reserved}) plus pinned amounts ({pinned}) exceed the envelope ({envelope}).',
  },
  'allocation.floors-exceed': {
    vi: 'Tổng mức tối thiểu của các đơn vị ({floors}) vượt quá số vốn còn lại để chia ({available}). Hãy hạ mức tối thiểu.',
    en: 'The recipients\' floors add up to {floors}, more than the {available} left to share. Lower the floors.',
  },
  'allocation.caps-too-low': {
    vi: 'Tổng mức tối đa của các đơn vị ({caps}) không đủ để nhận hết số vốn còn lại ({available}). Hãy nâng mức tối đa hoặc thêm đơn vị nhận.',
    en: 'The recipients\' caps add up to {caps}, less than the {available} left to share. Raise the caps or add recipients.',
  },
  'allocation.zero-scores': {
    vi: 'Mọi đơn vị đủ điều kiện đều có điểm bằng 0 theo các tiêu chí đã chọn, nên không chia được {available} còn lại. Hãy kiểm tra số liệu hoặc trọng số.',
    en: 'Every eligible recipient scores zero on the chosen criteria, so the {available} left cannot be shared. Check the figures or the weights.',
  },
  'allocation.bad-value': {
    vi: 'Đơn vị "{recipient}" thiếu số liệu hoặc có số liệu không hợp lệ (âm hoặc không phải số) ở tiêu chí "{column}".',
    en: 'Recipient "{recipient}" has a missing or invalid figure (negative or not a number) for criterion "{column}".',
  },
  'allocation.no-recipients': {
    vi: 'Không có đơn vị nào đủ điều kiện để nhận số vốn còn lại ({available}).',
    en: 'No eligible recipient can take the {available} left to share.',
  },
  'allocation.bad-rule': {
    vi: 'Quy tắc phân bổ không hợp lệ: {detail}.',
    en: 'The allocation rule is not valid: {detail}.',
  },
};

/** Every known code. */
/** Workbook, field and database problems. */
export const APP_MESSAGES: MessageTable = {
  'field.required': { vi: 'Ô này không được để trống.', en: 'This cell cannot be empty.' },
  'workbook.missing': { vi: 'Không tìm thấy sổ kế hoạch này; có thể nó đã bị xoá ở thẻ khác.', en: 'This workbook was not found; it may have been deleted in another tab.' },
  'app.start-failed': { vi: 'Không mở được dữ liệu trong trình duyệt: {detail}', en: 'Could not open the data stored in this browser: {detail}' },
  'db.quota': {
    vi: 'Trình duyệt hết chỗ lưu: thay đổi mới nhất mới chỉ nằm trên màn hình. Hãy giải phóng dung lượng rồi sửa lại ô đó.',
    en: 'The browser is out of storage: the latest change is only on screen. Free some space, then enter it again.',
  },
  'db.write-failed': { vi: 'Chưa lưu được thay đổi vào trình duyệt: {detail}', en: 'The change could not be saved in this browser: {detail}' },
};

/** Places sheet: criterion values. */
export const PLACE_MESSAGES: MessageTable = {
  'criterion.not-a-number': { vi: 'Không đọc được "{text}" thành số. Ví dụ hợp lệ: 1.644 hoặc 8,29.', en: 'Cannot read "{text}" as a number. Valid examples: 1,644 or 8.29.' },
  'criterion.negative': { vi: 'Tiêu chí không được âm: "{text}".', en: 'A criterion cannot be negative: "{text}".' },
  'criterion.not-whole': { vi: 'Số đếm phải là số nguyên: "{text}".', en: 'A count must be a whole number: "{text}".' },
  'criterion.not-a-flag': { vi: 'Ô này chỉ nhận có/không (1/0, x): "{text}".', en: 'This cell takes yes/no only (1/0, x): "{text}".' },
};

/** Reading a rule file (the headless command). */
export const RULE_FILE_MESSAGES: MessageTable = {
  'rule.not-json': { vi: 'Tệp quy tắc không phải JSON hợp lệ: {detail}', en: 'The rule file is not valid JSON: {detail}' },
  'rule.bad-field': { vi: 'Trường "{field}" của quy tắc không hợp lệ: {text}', en: 'The rule\'s field "{field}" is not valid: {text}' },
  'allocation.need-envelope': { vi: 'Nhập tổng vốn cần chia để xem kết quả phân bổ.', en: 'Enter the envelope to see the split.' },
  'rule.unreadable': { vi: 'Không đọc được tệp {file}: {detail}', en: 'Cannot read the file {file}: {detail}' },
};

export const MESSAGES: MessageTable = {
  ...AMOUNT_MESSAGES,
  ...CELL_INPUT_MESSAGES,
  ...APP_MESSAGES,
  ...PLACE_MESSAGES,
  ...RULE_FILE_MESSAGES,
  ...ALLOCATION_MESSAGES,
};

const GENERIC: MessageTemplates = {
  vi: 'Dữ liệu không hợp lệ (mã lỗi: {code}).',
  en: 'The data is not valid (error code: {code}).',
};

// Pasted text can be a whole paragraph; a sentence quotes only its start.
const MAX_PARAM_CHARS = 60;

function interpolate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    if (!Object.hasOwn(params, name)) return placeholder;
    const value = String(params[name]);
    return value.length > MAX_PARAM_CHARS ? `${value.slice(0, MAX_PARAM_CHARS - 1)}…` : value;
  });
}

/** One sentence for the problem in `lang`, params filled in; an unknown code gives a generic
 * sentence that still names the code. Never throws. */
export function describeProblem(p: Problem, lang: Lang, table: MessageTable = MESSAGES): string {
  const templates = Object.hasOwn(table, p.code) ? table[p.code] : null;
  if (!templates) return interpolate(GENERIC[lang], { code: p.code });
  return interpolate(templates[lang], p.params ?? {});
}
