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
export const AMOUNT_MESSAGES = {
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
} as const satisfies MessageTable;

/** Codes from ./cell-input. */
export const CELL_INPUT_MESSAGES = {
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
  'method.unknown': {
    vi: 'Không nhận ra phương pháp dự báo "{text}". Hãy chọn: theo tỷ lệ dự kiến, đều theo tháng, dồn cuối năm, tỷ trọng tự nhập hoặc như các tháng năm trước; để trống = theo cả kế hoạch.',
    en: 'Unknown projection method "{text}". Choose expected rate, linear, back-loaded, custom shares or last year\'s months; blank = the workbook\'s method.',
  },
  'yesno.unknown': {
    vi: '"{text}": hãy nhập Có hoặc Không.',
    en: '"{text}": enter Yes or No.',
  },
  'db.upgraded-elsewhere': {
    vi: 'Một thẻ khác vừa nâng cấp dữ liệu của Planbench: thẻ này không ghi được nữa. Hãy tải lại trang rồi sửa tiếp; thay đổi vừa gõ chưa được ghi.',
    en: 'Another tab has just upgraded Planbench’s data: this tab can no longer store anything. Reload the page, then go on; the change just typed was not made.',
  },
  'rate.negative': {
    vi: 'Tỷ lệ dự kiến "{text}" không được âm.',
    en: 'The expected rate "{text}" cannot be negative.',
  },
  'amount.negative': {
    vi: 'Số tiền "{text}" không được âm.',
    en: 'The amount "{text}" cannot be negative.',
  },
} as const satisfies MessageTable;

/** Codes from ./allocate (splitEnvelope). Amount params are numbers of đồng; format them for the
 * reader (e.g. "5,4 tỷ đồng") before describing the problem. */
/** Codes from db/scenario-repo and the session's frozen versions. */
export const SCENARIO_MESSAGES = {
  'scenario.missing': {
    vi: 'Không tìm thấy kịch bản này (có thể đã bị xoá ở một thẻ khác). Không có gì thay đổi.',
    en: 'This scenario was not found (it may have been deleted in another tab). Nothing changed.',
  },
  'scenario.baseline-delete': {
    vi: 'Không xoá được kịch bản gốc. Hãy khôi phục một phiên bản khác làm gốc trước.',
    en: 'The baseline cannot be deleted. Restore another version as the baseline first.',
  },
  'scenario.not-version': {
    vi: 'Chỉ khôi phục được một phiên bản đã lưu làm kịch bản gốc.',
    en: 'Only a saved version can be restored as the baseline.',
  },
  'scenario.frozen': {
    vi: 'Đây là phiên bản đã khoá "{name}": không sửa được. Hãy sao chép thành kịch bản mới để sửa.',
    en: 'This is the frozen version "{name}": it cannot be edited. Copy it into a new variant to edit.',
  },
} as const satisfies MessageTable;

export const ALLOCATION_MESSAGES = {
  'allocation.reserved-exceed': {
    vi: 'Các khoản để lại ({reserved}) cộng các mức giao cố định ({pinned}) vượt quá tổng vốn cần phân bổ ({envelope}).',
    en: 'Reserved amounts ({reserved}) plus pinned amounts ({pinned}) exceed the envelope ({envelope}).',
  },
  'allocation.floors-exceed': {
    vi: 'Tổng mức tối thiểu của các đơn vị ({floors}) vượt quá số vốn còn lại để chia ({available}). Hãy hạ mức tối thiểu.',
    en: "The recipients' floors add up to {floors}, more than the {available} left to share. Lower the floors.",
  },
  'allocation.caps-too-low': {
    vi: 'Tổng mức tối đa của các đơn vị ({caps}) không đủ để nhận hết số vốn còn lại ({available}). Hãy nâng mức tối đa hoặc thêm đơn vị nhận.',
    en: "The recipients' caps add up to {caps}, less than the {available} left to share. Raise the caps or add recipients.",
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
} as const satisfies MessageTable;

/**
 * Findings of the plan checks (./checks). Params: {row} (and {prevRow}) name the row, {measure},
 * {base}, {match} name a figure or a base; numbers come formatted for the reader (./check-text).
 */
export const CHECK_MESSAGES = {
  'check.file-total': {
    vi: 'Tệp {file}, trang "{sheet}", dòng {fileRow} ({label}), cột "{column}": tệp ghi {stated}, các dòng đã nhập từ đó cộng được {computed} (chênh lệch {delta}).',
    en: 'File {file}, sheet "{sheet}", row {fileRow} ({label}), column "{column}": the file states {stated}, the lines imported from it add up to {computed} (difference {delta}).',
  },
  'check.stated-amount.sum': {
    vi: '{row}: {measure} ghi trong báo cáo là {stated}, nhưng cộng các dòng bên dưới được {computed} (chênh lệch {delta}).',
    en: '{row}: the stated {measure} is {stated}, but its lines add up to {computed} (difference {delta}).',
  },
  'check.stated-amount.line': {
    vi: '{row}: {measure} ghi trong báo cáo là {stated}, trên dòng là {computed} (chênh lệch {delta}).',
    en: '{row}: the stated {measure} is {stated}; the line holds {computed} (difference {delta}).',
  },
  'check.stated-split': {
    vi: '{row}, năm {year}: tổng ghi trong báo cáo {stated} không bằng NSTW {central} + NSĐP {local} + nguồn khác {other} = {computed} (chênh lệch {delta}).',
    en: '{row}, {year}: the stated total {stated} is not central {central} + local {local} + other {other} = {computed} (difference {delta}).',
  },
  'check.computed-split.source': {
    vi: '{row}: kế hoạch {stated} không bằng NSTW + NSĐP + nguồn khác = {computed} (chênh lệch {delta}).',
    en: '{row}: the plan {stated} is not central + local + other = {computed} (difference {delta}).',
  },
  'check.computed-split.capital': {
    vi: '{row}: kế hoạch {stated} không bằng vốn đầu tư + vốn sự nghiệp = {computed} (chênh lệch {delta}).',
    en: '{row}: the plan {stated} is not investment + recurrent = {computed} (difference {delta}).',
  },
  'check.stated-rate.match': {
    vi: '{row}: tỷ lệ giải ngân ghi trong báo cáo {stated} không khớp với {numerator} / {base} ({baseName}) = {computed} (chênh lệch {delta}); tỷ lệ đó khớp nếu tính trên {match} ({matchBase}).',
    en: '{row}: the stated disbursement rate {stated} does not match {numerator} / {base} ({baseName}) = {computed} (difference {delta}); it matches when computed against {match} ({matchBase}).',
  },
  'check.stated-rate.match-node': {
    vi: '{row}: tỷ lệ giải ngân ghi trong báo cáo {stated} không khớp với {numerator} / {base} ({baseName}) = {computed} (chênh lệch {delta}); tỷ lệ đó khớp nếu tính trên {match} của cả mục {code} ({matchBase}).',
    en: '{row}: the stated disbursement rate {stated} does not match {numerator} / {base} ({baseName}) = {computed} (difference {delta}); it matches when computed against {match} of the whole item {code} ({matchBase}).',
  },
  'check.stated-rate.stated': {
    vi: '{row}: tỷ lệ giải ngân ghi trong báo cáo {stated} không khớp với {numerator} / {base} ({baseName}) = {computed} (chênh lệch {delta}); tỷ lệ đó được tính từ các số ghi trong báo cáo ({statedNumerator} / {statedBase}), vốn khác với số tính từ các dòng.',
    en: '{row}: the stated disbursement rate {stated} does not match {numerator} / {base} ({baseName}) = {computed} (difference {delta}); it was computed from the stated amounts ({statedNumerator} / {statedBase}), which differ from what the lines give.',
  },
  'check.stated-rate.none': {
    vi: '{row}: tỷ lệ giải ngân ghi trong báo cáo {stated} không khớp với {numerator} / {base} ({baseName}) = {computed} (chênh lệch {delta}); không cơ sở nào (kế hoạch năm nay, số năm trước chuyển sang, cả hai) cho ra tỷ lệ này.',
    en: "{row}: the stated disbursement rate {stated} does not match {numerator} / {base} ({baseName}) = {computed} (difference {delta}); no base (this year's plan, the carried-in amount, both) gives this rate.",
  },
  'check.stated-rate.rounded': {
    vi: '{row}: tỷ lệ giải ngân ghi trong báo cáo {stated} là {numerator} / {base} ({baseName}) = {computed} đã làm tròn (chênh lệch {delta}).',
    en: '{row}: the stated disbursement rate {stated} is {numerator} / {base} ({baseName}) = {computed}, rounded (difference {delta}).',
  },
  'check.stated-expected': {
    vi: '{row}: tỷ lệ dự kiến giải ngân cuối năm ghi trong báo cáo là {stated}, còn tỷ lệ dự kiến của các dòng cho {expectedAmount} / {base} = {computed} (chênh lệch {delta}).',
    en: "{row}: the stated expected year-end rate is {stated}; the lines' expected rates give {expectedAmount} / {base} = {computed} (difference {delta}).",
  },
  'check.multi-year.short': {
    vi: '{row}: tổng kinh phí nhiều năm ghi trong báo cáo là {stated}, nhỏ hơn số của các năm có trong sổ (năm {years}: {computed}), chênh lệch {delta}.',
    en: '{row}: the stated multi-year total {stated} is less than the years this workbook holds ({years}: {computed}), difference {delta}.',
  },
  'check.multi-year.other-years': {
    vi: '{row}: tổng kinh phí nhiều năm ghi trong báo cáo là {stated}; sổ này chỉ có số năm {years} là {computed}, nên các năm còn lại phải cộng được {missing}. Hãy đối chiếu với số liệu của các năm đó.',
    en: "{row}: the stated multi-year total is {stated}; this workbook holds {years} only, with {computed}, so the other years must add up to {missing}. Check it against those years' figures.",
  },
  'check.carry-in': {
    vi: 'Số vốn các năm trước chuyển sang năm {year} trên các dòng là {computed}, nhưng báo cáo ghi năm {prev} chuyển nguồn {stated} (chênh lệch {delta}).',
    en: 'Money carried into {year} on the lines (earlier vintages) comes to {computed}, but the stated carry-over out of {prev} is {stated} (difference {delta}).',
  },
  'check.carried-out': {
    vi: '{row}: chuyển nguồn ghi trong báo cáo {stated} khác với kế hoạch {plan} + năm trước chuyển sang {carriedIn} − đã giải ngân {disbursed} = {computed} (chênh lệch {delta}).',
    en: '{row}: the stated carry-over {stated} is not the plan {plan} + carried in {carriedIn} − disbursed {disbursed} = {computed} (difference {delta}).',
  },
  'check.over-disbursed': {
    vi: '{row}: đã giải ngân {disbursed}, vượt số vốn được sử dụng {available} là {delta}.',
    en: '{row}: {disbursed} disbursed, {delta} more than the {available} available.',
  },
  'check.negative': {
    vi: '{row}: {measure} là số âm ({value}).',
    en: '{row}: the {measure} is negative ({value}).',
  },
  'check.expected-below-reached': {
    vi: '{row}: tỷ lệ dự kiến cuối năm {expected} thấp hơn tỷ lệ đã đạt {reached} ({disbursed} / {plan}); số đã giải ngân không thể giảm đi.',
    en: '{row}: the expected year-end rate {expected} is below the rate already reached, {reached} ({disbursed} / {plan}); what is disbursed cannot go down.',
  },
  'check.expected-equals-reached': {
    vi: '{row}: tỷ lệ dự kiến cuối năm {expected} bằng tỷ lệ đã đạt đến ngày {asOf} ({reached}), khi năm đã gần hết: không giải ngân thêm đến cuối năm?',
    en: '{row}: the expected year-end rate {expected} equals the rate reached by {asOf} ({reached}), late in the year: nothing more to be disbursed by year end?',
  },
  'check.counterpart': {
    vi: '{row}: NSĐP bố trí {local}, thấp hơn mức đối ứng yêu cầu {required} ({ratio} của vốn NSTW {central}); còn thiếu {shortfall}.',
    en: '{row}: the local budget puts in {local}, below the required counterpart of {required} ({ratio} of the central {central}); {shortfall} short.',
  },
  'check.repeated-label': {
    vi: '{row}: nội dung lặp lại đúng nội dung của dòng ngay trên ({prevRow}); hai mục khác nhau thường không có cùng nội dung — có phải chép nhầm từ dòng trên?',
    en: '{row}: the description repeats the row above ({prevRow}) exactly; two different items rarely have the same one — copied from the row above?',
  },
  'check.repeated-figures': {
    vi: '{row}: kế hoạch {plan} và số đã giải ngân {disbursed} trùng hệt dòng ngay trên ({prevRow}) — có phải chép nhầm số từ dòng trên?',
    en: '{row}: the plan {plan} and the amount disbursed {disbursed} are exactly those of the row above ({prevRow}) — copied from the row above?',
  },
  'check.place-sum': {
    vi: '{row}: {criterion} là {stated}, nhưng cộng các đơn vị trực thuộc được {computed} (chênh lệch {delta}).',
    en: '{row}: {criterion} is {stated}, but its places add up to {computed} (difference {delta}).',
  },
} as const satisfies MessageTable;

/**
 * Words the check sentences are made of: names of rows, figures and bases, units. Not problems,
 * so not in MESSAGES; ./check-text fills the {row}, {measure}, {base}… params from them.
 */
export const CHECK_WORDS: MessageTable = {
  'check.row.total': { vi: 'Tổng cộng chương trình', en: 'Program total' },
  'check.row.file': { vi: 'Tệp {file}', en: 'File {file}' },
  'check.row.total-year': { vi: 'Tổng cộng chương trình năm {year}', en: 'Program total for {year}' },
  'check.row.node': { vi: '{code}', en: '{code}' },
  'check.row.line': { vi: '{code}, dòng «{label}»', en: '{code}, line "{label}"' },
  'check.row.line-unnamed': { vi: '{code}, dòng {n}', en: '{code}, line {n}' },
  'check.row.place': { vi: '{name}', en: '{name}' },
  'check.measure.plan': { vi: 'kế hoạch vốn', en: 'plan' },
  'check.measure.central': { vi: 'vốn NSTW', en: 'central budget' },
  'check.measure.local': { vi: 'vốn NSĐP', en: 'local budget' },
  'check.measure.other': { vi: 'vốn nguồn khác', en: 'other sources' },
  'check.measure.disbursed': { vi: 'số đã giải ngân', en: 'amount disbursed' },
  'check.measure.carriedIn': { vi: 'số năm trước chuyển sang', en: 'amount carried in' },
  'check.measure.carriedOut': { vi: 'số chuyển nguồn sang năm sau', en: 'carry-over to next year' },
  'check.measure.multiYearTotal': { vi: 'tổng kinh phí nhiều năm', en: 'multi-year total' },
  'check.measure.month': { vi: 'số giải ngân tháng {month}', en: 'amount disbursed in month {month}' },
  'check.base.year': { vi: 'kế hoạch năm nay', en: "this year's plan" },
  'check.base.carried': { vi: 'số năm trước chuyển sang', en: 'the carried-in amount' },
  'check.base.both': { vi: 'kế hoạch năm nay và số năm trước chuyển sang', en: "this year's plan and the carried-in amount" },
  'check.base.stated-plan': { vi: 'kế hoạch ghi trong báo cáo', en: 'the stated plan' },
  'check.base.stated-both': { vi: 'kế hoạch và số chuyển sang ghi trong báo cáo', en: 'the stated plan and carried-in amount' },
  'check.points': { vi: '{value} điểm phần trăm', en: '{value} percentage points' },
  'check.unit.dong': { vi: 'đồng', en: 'đồng' },
  'check.unit.nghin': { vi: 'nghìn đồng', en: 'thousand đồng' },
  'check.unit.trieu': { vi: 'triệu đồng', en: 'million đồng' },
  'check.unit.ty': { vi: 'tỷ đồng', en: 'billion đồng' },
};

/**
 * Words of the documents the app writes (not problems, so not in MESSAGES): the lines of an
 * exported table (io/export-plan, io/export-table) and the monitoring report's title and narrative
 * (./report). Amount and rate params come formatted for the reader; years as numbers.
 */
export const DOCUMENT_WORDS = {
  'table.year': { vi: 'Năm {year}', en: 'Year {year}' },
  'table.unit-line': { vi: 'ĐVT: {unit}', en: 'Unit: {unit}' },
  'report.title': {
    vi: 'Tình hình thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm {year}',
    en: 'Implementation of the national target program for sustainable poverty reduction, {year}',
  },
  'report.program-heading': { vi: 'Tình hình phân bổ và sử dụng nguồn vốn', en: 'Funds allocated and used' },
  'report.project': { vi: 'Dự án {n}', en: 'Project {n}' },
  'report.sub-project': { vi: 'Tiểu dự án {n}', en: 'Sub-project {n}' },
  'report.as-of': { vi: 'Tính đến ngày {date}', en: 'By {date}' },
  'report.as-of-report': { vi: 'Tính đến thời điểm báo cáo', en: 'By the time of this report' },
  'report.years': { vi: '{first} và {last}', en: '{first} and {last}' },
  'report.source.central': { vi: 'nguồn vốn Trung ương', en: 'the central budget' },
  'report.source.local': { vi: 'nguồn vốn địa phương', en: 'the local budget' },
  'report.source.other': { vi: 'nguồn vốn khác', en: 'other sources' },
  'report.all-from': { vi: ', toàn bộ từ {source}', en: ', all from {source}' },
  'report.of-which': { vi: ', trong đó {list}', en: ', of which {list}' },
  'report.all-carried': { vi: ' (nguồn vốn năm {years} chuyển sang)', en: ' (money carried over from {years})' },
  'report.part-carried': {
    vi: '; bao gồm {carried} nguồn vốn năm {years} chuyển sang và {assigned} vốn giao năm {year}',
    en: '; including {carried} carried over from {years} and {assigned} assigned for {year}',
  },
  'report.disbursed-no-plan': { vi: '{asOf} đã giải ngân {disbursed}.', en: '{asOf}, {disbursed} had been disbursed.' },
  'report.progress': {
    vi: '{asOf} {subject}giải ngân được {disbursed}, đạt {rate} kế hoạch. Dự kiến hết năm {year} giải ngân {expected}, đạt {expectedRate} kế hoạch{carryOver}.',
    en: '{asOf}, {subject}{disbursed} had been disbursed, {rate} of the plan. By the end of {year}, {expected} ({expectedRate} of the plan) is expected to be disbursed{carryOver}.',
  },
  // The subject of a project's and of an item's progress ({subject} above): Vietnamese says it, English needs none.
  'report.subject.project': { vi: 'toàn dự án ', en: '' },
  'report.subject.item': { vi: 'đã ', en: '' },
  'report.carry-over': { vi: '; dự kiến chuyển nguồn sang năm {next} {amount}', en: '; {amount} is projected to carry over into {next}' },
  'report.program': { vi: 'Tổng kế hoạch vốn năm {year}: {plan}{sources}{carried}.', en: 'The {year} plan totals {plan}{sources}{carried}.' },
  'report.project-budget': { vi: 'Tổng kinh phí {plan}{sources}{carried}.', en: 'Budget {plan}{sources}{carried}.' },
  'report.units': {
    vi: 'Đơn vị được giao thực hiện là {units}, với tổng kinh phí {plan}',
    en: 'Implemented by {units}, with a budget of {plan}',
  },
  'report.no-units': { vi: 'Số liệu không ghi đơn vị thực hiện; tổng kinh phí {plan}', en: 'No implementing unit is stated; budget {plan}' },
} as const satisfies MessageTable;

/** A key of DOCUMENT_WORDS: a mistyped one fails to compile. */
export type DocumentWord = keyof typeof DOCUMENT_WORDS;

/** The document words for `key` in `lang`, every {param} filled in whole (no shortening, unlike a problem's quotes). */
export function writePhrase(lang: Lang, key: DocumentWord, params: Record<string, string | number> = {}): string {
  return interpolate(DOCUMENT_WORDS[key][lang], params, Infinity);
}

/** Every known code. */
/** Workbook, field and database problems. */
export const APP_MESSAGES = {
  'field.required': { vi: 'Ô này không được để trống.', en: 'This cell cannot be empty.' },
  'workbook.missing': { vi: 'Không tìm thấy sổ kế hoạch này; có thể nó đã bị xoá ở thẻ khác.', en: 'This workbook was not found; it may have been deleted in another tab.' },
  'compare.columns-missing': {
    vi: 'Không so sánh được: bộ tính toán không còn giữ số liệu của kịch bản "{key}". Hãy chọn lại các kịch bản cần so sánh.',
    en: 'Cannot compare: the calculation no longer holds the figures of the scenario "{key}". Pick the scenarios to compare again.',
  },
  'app.unexpected': {
    vi: 'Có lỗi không lường trước: {detail}. Dữ liệu đã lưu vẫn còn; nếu điều vừa làm không có tác dụng, hãy làm lại hoặc tải lại trang.',
    en: 'Something unexpected failed: {detail}. What is saved is still there; if what you just did had no effect, try again or reload the page.',
  },
  'app.start-failed': { vi: 'Không mở được dữ liệu trong trình duyệt: {detail}', en: 'Could not open the data stored in this browser: {detail}' },
  'db.quota-create': {
    vi: 'Trình duyệt hết chỗ lưu: chưa tạo được sổ "{name}", sổ đang mở vẫn giữ nguyên. Hãy giải phóng dung lượng rồi thử lại.',
    en: 'The browser is out of storage: the workbook "{name}" was not created, and the open one is as it was. Free some space, then try again.',
  },
  'db.quota': {
    vi: 'Trình duyệt hết chỗ lưu: thay đổi mới nhất mới chỉ nằm trên màn hình. Hãy giải phóng dung lượng rồi sửa lại ô đó.',
    en: 'The browser is out of storage: the latest change is only on screen. Free some space, then enter it again.',
  },
  'session.unsaved-leave': {
    vi: 'Còn {count} bước sửa chưa lưu được vào trình duyệt (bộ nhớ đầy): chưa chuyển sang sổ hay kịch bản khác, vì như thế sẽ mất các thay đổi đó. Hãy tải bản sao lưu, giải phóng dung lượng rồi bấm "Thử lưu lại".',
    en: '{count} edit steps could not be saved in this browser (storage full): staying here, since switching to another workbook or scenario would lose them. Download a backup, free some space, then press "Try saving again".',
  },
  'db.write-failed': { vi: 'Chưa lưu được thay đổi vào trình duyệt: {detail}', en: 'The change could not be saved in this browser: {detail}' },
  'db.quota-scenario': {
    vi: 'Trình duyệt hết chỗ lưu nên việc vừa làm với kịch bản chưa được thực hiện; các kịch bản vẫn như trước, không mất gì. Hãy giải phóng dung lượng rồi thử lại.',
    en: 'The browser is out of storage, so what you just did to the scenarios was not done; they are as they were, and nothing is lost. Free some space, then try again.',
  },
  'db.quota-delete': {
    vi: 'Trình duyệt hết chỗ lưu nên chưa xoá được sổ; sổ vẫn còn nguyên như trước. Hãy giải phóng dung lượng rồi thử lại.',
    en: 'The browser is out of storage, so the workbook was not deleted; it is still there as it was. Free some space, then try again.',
  },
  'db.quota-meta': {
    vi: 'Trình duyệt hết chỗ lưu nên chưa ghi nhớ được lựa chọn này (ví dụ cách ghép cột của tệp vừa nhập); số liệu của sổ không bị ảnh hưởng. Hãy giải phóng dung lượng để lần sau không phải chọn lại.',
    en: 'The browser is out of storage, so this choice was not remembered (e.g. the column mapping of the file just imported); the workbook’s figures are not affected. Free some space so that it need not be chosen again next time.',
  },
} as const satisfies MessageTable;

/** Places sheet: criterion values. */
export const PLACE_MESSAGES = {
  'criterion.not-a-number': { vi: 'Không đọc được "{text}" thành số. Ví dụ hợp lệ: 1.644 hoặc 8,29.', en: 'Cannot read "{text}" as a number. Valid examples: 1,644 or 8.29.' },
  'criterion.negative': { vi: 'Tiêu chí không được âm: "{text}".', en: 'A criterion cannot be negative: "{text}".' },
  'criterion.not-whole': { vi: 'Số đếm phải là số nguyên: "{text}".', en: 'A count must be a whole number: "{text}".' },
  'criterion.not-a-flag': { vi: 'Ô này chỉ nhận có/không (1/0, x): "{text}".', en: 'This cell takes yes/no only (1/0, x): "{text}".' },
} as const satisfies MessageTable;

/** Reading a rule file (the headless command). */
export const RULE_FILE_MESSAGES = {
  'rule.not-json': { vi: 'Tệp quy tắc không phải JSON hợp lệ: {detail}', en: 'The rule file is not valid JSON: {detail}' },
  'rule.bad-field': { vi: 'Trường "{field}" của quy tắc không hợp lệ: {text}', en: 'The rule\'s field "{field}" is not valid: {text}' },
  'allocation.need-envelope': { vi: 'Nhập tổng vốn cần chia để xem kết quả phân bổ.', en: 'Enter the envelope to see the split.' },
  'rule.unreadable': { vi: 'Không đọc được tệp {file}: {detail}', en: 'Cannot read the file {file}: {detail}' },
} as const satisfies MessageTable;

/** Next year's draft (./next-year). Amount params are numbers of đồng; format them for the reader. */
export const DRAFT_MESSAGES = {
  'draft.nothing': {
    vi: 'Sổ "{name}" chưa có dòng kế hoạch nào, nên chưa có gì để lập dự thảo năm sau.',
    en: 'The workbook "{name}" has no plan lines, so there is nothing to draft next year\'s plan from.',
  },
  'draft.carry-exceeds-left': {
    vi: 'Dòng "{label}" ({code}): số chuyển nguồn đã xác nhận ({confirmed}) lớn hơn số vốn dòng này còn lại ({left}). Hãy sửa số chuyển nguồn rồi lập lại dự thảo.',
    en: 'Line "{label}" ({code}): the confirmed carry-over ({confirmed}) is more than the line has left ({left}). Correct the carry-over, then draft again.',
  },
} as const satisfies MessageTable;

/** Backup files (io/backup.ts) and the files of the headless commands (cli/). */
export const BACKUP_MESSAGES = {
  'backup.not-json': {
    vi: 'Không đọc được tệp sao lưu: tệp không phải JSON hợp lệ, có thể đã bị cắt cụt hoặc hỏng ({detail}). Không khôi phục gì.',
    en: 'The backup cannot be read: it is not valid JSON and may be truncated or damaged ({detail}). Nothing was restored.',
  },
  'backup.not-backup': {
    vi: 'Tệp này không phải tệp sao lưu sổ kế hoạch của Planbench.',
    en: 'This file is not a Planbench workbook backup.',
  },
  'backup.newer-version': {
    vi: 'Tệp sao lưu được tạo bởi phiên bản Planbench mới hơn (định dạng {version}; bản này đọc được đến định dạng {supported}). Hãy cập nhật Planbench rồi khôi phục lại.',
    en: 'The backup was made by a newer Planbench (format {version}; this version reads up to format {supported}). Update Planbench, then restore it again.',
  },
  'backup.missing-part': {
    vi: 'Tệp sao lưu bị hỏng: thiếu phần "{part}". Không khôi phục gì.',
    en: 'The backup is damaged: the part "{part}" is missing. Nothing was restored.',
  },
  'backup.bad-value': {
    vi: 'Tệp sao lưu bị hỏng: giá trị ở "{path}" không hợp lệ ({text}). Không khôi phục gì.',
    en: 'The backup is damaged: the value at "{path}" is not valid ({text}). Nothing was restored.',
  },
  'backup.bad-amount': {
    vi: 'Tệp sao lưu bị hỏng: số tiền ở "{path}" không phải một số đồng nguyên ({text}). Không khôi phục gì.',
    en: 'The backup is damaged: the amount at "{path}" is not a whole number of đồng ({text}). Nothing was restored.',
  },
  'backup.bad-link': {
    vi: 'Tệp sao lưu bị hỏng: "{path}" ghi mã "{id}" trùng với một bản ghi khác hoặc trỏ tới bản ghi không có trong tệp. Không khôi phục gì.',
    en: 'The backup is damaged: "{path}" holds the id "{id}", which repeats another record\'s or names a record the file does not hold. Nothing was restored.',
  },
  'file.unreadable': { vi: 'Không đọc được tệp {file}: {detail}', en: 'Cannot read the file {file}: {detail}' },
  'import.tree-flattened': {
    vi: 'Tệp lồng mục sâu hơn {limit} cấp: {count} mục sâu hơn được đặt ở cấp {limit}, dưới mục cha gần nhất ở cấp đó. Hãy kiểm tra cách đánh số.',
    en: 'The file nests items deeper than {limit} levels: {count} deeper item(s) were put at level {limit}, under their nearest ancestor at that level. Check the numbering.',
  },
  'file.not-a-file': {
    vi: '"{file}" không phải là một tệp (thiết bị, ống dẫn hay thư mục): không đọc.',
    en: '"{file}" is not a file (a device, a pipe or a folder): not read.',
  },
  'file.too-large': { vi: 'Tệp {file} quá lớn ({size} MB, tối đa {limit} MB): không đọc.', en: 'The file {file} is too large ({size} MB, at most {limit} MB): not read.' },
  'file.unwritable': { vi: 'Không ghi được tệp {file}: {detail}', en: 'Cannot write the file {file}: {detail}' },
  'convert.unsupported': {
    vi: 'Không chuyển được "{file}": chỉ nhận tệp .json (sao lưu Planbench), .xlsx hoặc .csv (đọc được cả .xls, .ods).',
    en: 'Cannot convert "{file}": only .json (Planbench backup), .xlsx and .csv files are accepted (.xls and .ods can be read).',
  },
  'convert.import-problems': {
    vi: 'Tệp có {count} lỗi (liệt kê ở trên): có ô không đọc được, nên chưa ghi gì. Hãy sửa tệp, chọn định dạng số bằng --locale vi hoặc --locale en, hoặc thêm --force để vẫn ghi, để trống các ô đó.',
    en: 'The file has {count} error(s), listed above: some cells could not be read, so nothing was written. Correct the file, choose the number format with --locale vi or --locale en, or add --force to write anyway with those cells left empty.',
  },
  'backup.too-deep': {
    vi: 'Tệp sao lưu bị hỏng: dữ liệu ở "{path}" lồng sâu hơn {limit} cấp, điều tệp sao lưu của Planbench không bao giờ có. Không khôi phục gì.',
    en: 'The backup is damaged: the data at "{path}" is nested deeper than {limit} levels, which a Planbench backup never is. Nothing was restored.',
  },
  'backup.tree-self': {
    vi: 'Tệp sao lưu bị hỏng: mục "{id}" là mục cha của chính nó. Không khôi phục gì.',
    en: 'The backup is damaged: the item "{id}" is its own parent. Nothing was restored.',
  },
  'backup.tree-cycle': {
    vi: 'Tệp sao lưu bị hỏng: các mục quanh "{id}" làm cha của nhau thành vòng. Không khôi phục gì.',
    en: 'The backup is damaged: the items around "{id}" are each other\'s parents, in a cycle. Nothing was restored.',
  },
  'backup.tree-deep': {
    vi: 'Tệp sao lưu bị hỏng: mục "{id}" nằm sâu hơn {limit} cấp, điều kế hoạch nào cũng không có. Không khôi phục gì.',
    en: 'The backup is damaged: the item "{id}" sits deeper than {limit} levels, which no plan does. Nothing was restored.',
  },
  'backup.too-large': {
    vi: 'Tệp sao lưu nặng {size} MB, vượt giới hạn {limit} MB nên không được đọc. Không khôi phục gì.',
    en: 'The backup is {size} MB, more than the {limit} MB limit, so it was not read. Nothing was restored.',
  },
  'backup.unsafe-key': {
    vi: 'Tệp sao lưu có khoá "{key}" (ở {path}), một khoá có thể dùng để can thiệp vào chương trình; Planbench không bao giờ ghi khoá này. Không khôi phục gì.',
    en: 'The backup holds the key "{key}" (at {path}), a key that can be used to tamper with the program; Planbench never writes it. Nothing was restored.',
  },
} as const satisfies MessageTable;

/** Reading a file to import (src/io: decode, sheet, table-detect, column-map, import-plan). */
export const IMPORT_MESSAGES = {
  'import.empty-file': { vi: 'Tệp "{file}" không có dữ liệu (0 byte).', en: 'The file "{file}" is empty (0 bytes).' },
  'import.worker-failed': {
    vi: 'Bộ đọc tệp dừng giữa chừng nên chưa nhập gì; sổ kế hoạch không thay đổi. Hãy nhập lại tệp.',
    en: 'The file reader stopped part-way, so nothing was imported; the workbook is unchanged. Import the file again.',
  },
  'import.unsupported-file': {
    vi: 'Không đọc được tệp "{file}": đây không phải bảng tính (.xlsx, .xls, .ods) hay tệp văn bản .csv, .tsv, .txt.',
    en: 'Cannot read the file "{file}": it is neither a workbook (.xlsx, .xls, .ods) nor a .csv, .tsv or .txt text file.',
  },
  'import.xlsx-damaged': {
    vi: 'Tệp "{file}" bị hỏng hoặc chưa tải về hết, nên không mở được như một bảng tính. Hãy lấy lại tệp gốc (hoặc mở bằng Excel hay LibreOffice rồi lưu lại) và nhập lại.',
    en: 'The file "{file}" is damaged or was not fully downloaded, so it cannot be opened as a workbook. Get the original file again (or open it in Excel or LibreOffice and save it again) and import it.',
  },
  'import.encrypted': {
    vi: 'Tệp "{file}" được bảo vệ bằng mật khẩu (đã mã hoá) nên không đọc được. Hãy mở tệp bằng Excel hoặc LibreOffice với mật khẩu, lưu một bản không đặt mật khẩu rồi nhập bản đó.',
    en: 'The file "{file}" is password-protected (encrypted), so it cannot be read. Open it in Excel or LibreOffice with its password, save a copy without a password, then import that copy.',
  },
  'import.word-document': {
    vi: 'Tệp "{file}" là văn bản (Word hoặc Writer), không phải bảng tính. Hãy chọn tệp bảng tính (.xlsx, .xls, .ods) hoặc .csv; nếu bảng số liệu nằm trong văn bản, hãy chép bảng sang Excel, lưu thành .xlsx rồi nhập tệp đó.',
    en: 'The file "{file}" is a text document (Word or Writer), not a spreadsheet. Choose a workbook (.xlsx, .xls, .ods) or a .csv file; if the table is in the document, copy it into Excel, save it as .xlsx and import that.',
  },
  'import.not-spreadsheet': {
    vi: 'Tệp "{file}" là một loại tài liệu văn phòng khác (trình chiếu, bản vẽ…), không phải bảng tính. Hãy chọn tệp bảng tính (.xlsx, .xls, .ods) hoặc .csv.',
    en: 'The file "{file}" is another kind of office document (a presentation, a drawing…), not a spreadsheet. Choose a workbook (.xlsx, .xls, .ods) or a .csv file.',
  },
  'import.xlsb-unsupported': {
    vi: 'Tệp "{file}" là bảng tính nhị phân của Excel (.xlsb), loại tệp chưa đọc được. Hãy mở bằng Excel, lưu thành .xlsx rồi nhập lại.',
    en: 'The file "{file}" is an Excel binary workbook (.xlsb), which cannot be read here. Open it in Excel, save it as .xlsx, then import it again.',
  },
  'import.cancelled': { vi: 'Đã huỷ việc nhập tệp; sổ kế hoạch không thay đổi.', en: 'The import was cancelled; the workbook is unchanged.' },
  'import.renamed-xlsx': {
    vi: 'Tệp "{file}" có đuôi của tệp văn bản nhưng thực chất là bảng tính; đã đọc như bảng tính.',
    en: 'The file "{file}" is named like a text file but is a workbook; it was read as a workbook.',
  },
  'import.renamed-text': {
    vi: 'Tệp "{file}" có đuôi của bảng tính nhưng thực chất là tệp văn bản (CSV); đã đọc như tệp CSV. Hãy kiểm tra bản xem trước.',
    en: 'The file "{file}" is named like a workbook but is a text (CSV) file; it was read as CSV. Check the preview.',
  },
  'import.legacy-encoding': {
    vi: 'Tệp không phải UTF-8; đã đọc theo bảng mã {encoding} (tiếng Việt của Windows). Hãy kiểm tra dấu tiếng Việt trong bản xem trước.',
    en: 'The file is not UTF-8; it was read as {encoding} (Windows Vietnamese). Check the Vietnamese accents in the preview.',
  },
  'import.unclosed-quote': {
    vi: 'Dòng {row}: có dấu ngoặc kép không được đóng; nội dung từ đó có thể bị gộp vào một ô.',
    en: 'Row {row}: a double quote is never closed; what follows may have been read into one cell.',
  },
  'import.formula-no-result': {
    vi: 'Ô có công thức ={formula} nhưng tệp không lưu kết quả tính, nên được coi là trống. Hãy mở tệp bằng Excel, lưu lại rồi nhập lại.',
    en: 'This cell holds the formula ={formula} but the file stores no computed value, so it is read as blank. Open the file in Excel, save it, then import it again.',
  },
  'import.formulas-as-values': {
    vi: 'Trang "{sheet}": {count} ô công thức được đọc theo giá trị đã lưu trong tệp .xls; công thức của chúng không được giữ lại (tệp .xls lưu công thức ở dạng đã biên dịch). Muốn giữ công thức, hãy lưu tệp thành .xlsx hoặc .ods rồi nhập lại.',
    en: 'Sheet "{sheet}": {count} formula cell(s) were read as the values the .xls file saved; their formulas are not kept (an .xls stores formulas compiled). To keep the formulas, save the file as .xlsx or .ods and import it again.',
  },
  'import.formulas-computed': {
    vi: 'Trang "{sheet}": {count} ô công thức không có kết quả lưu trong tệp; các ô này đã được tính lại từ chính số liệu của tệp (cộng, trừ, nhân, chia, SUM). Hãy đối chiếu với tệp gốc.',
    en: 'Sheet "{sheet}": {count} formula cell(s) had no result saved in the file; they were computed from the file\'s own figures (sums, differences, products, quotients). Compare them with the original.',
  },
  'import.formulas-kept': {
    vi: 'Trang "{sheet}": {count} ô công thức được giữ thành công thức trên các dòng nhập: địa chỉ ô đổi thành tham chiếu tới dòng (hoặc mục) mà hàng đó trở thành, và giá trị là kết quả Planbench tính.',
    en: 'Sheet "{sheet}": {count} formula cell(s) were kept as formulas on the imported lines: their cell addresses now refer to the lines (or items) those rows became, and their values are what Planbench computes.',
  },
  'import.formula-differs': {
    vi: 'Ô {cell}: công thức ={formula} được giữ trên dòng; Planbench tính ra {computed}, khác giá trị tệp lưu {kept}. Dòng nhận giá trị Planbench tính; hãy đối chiếu với tệp gốc.',
    en: 'Cell {cell}: the formula ={formula} was kept on its line; Planbench computes {computed}, not the {kept} the file saved. The line takes the value Planbench computes; compare it with the original.',
  },
  'import.formula-other-sheet': {
    vi: 'Ô {cell} có công thức ={formula} đọc ô của trang khác nên không chuyển được thành công thức trên dòng; giữ giá trị {kept}.',
    en: 'Cell {cell} holds the formula ={formula}, which reads another sheet, so it cannot become a formula on its line; the value {kept} is kept.',
  },
  'import.formula-ref': {
    vi: 'Ô {cell} có công thức ={formula} đọc ô {ref}, ô này không thuộc dòng hay mục nào được nhập, nên không chuyển được thành công thức trên dòng; giữ giá trị {kept}.',
    en: 'Cell {cell} holds the formula ={formula}, which reads {ref}, a cell no imported line or item takes, so it cannot become a formula on its line; the value {kept} is kept.',
  },
  'import.formula-range': {
    vi: 'Ô {cell} có công thức ={formula} với vùng {range} không gồm trọn ô của những dòng được nhập, nên không chuyển được thành công thức trên dòng; giữ giá trị {kept}.',
    en: 'Cell {cell} holds the formula ={formula}, whose range {range} is not made of whole cells of imported lines, so it cannot become a formula on its line; the value {kept} is kept.',
  },
  'import.formula-function': {
    vi: 'Ô {cell} có công thức ={formula} dùng hàm {function} mà công thức Planbench chưa có, nên không chuyển được thành công thức trên dòng; giữ giá trị {kept}.',
    en: 'Cell {cell} holds the formula ={formula}, which uses {function}, a function Planbench formulas lack, so it cannot become a formula on its line; the value {kept} is kept.',
  },
  'import.formula-syntax': {
    vi: 'Ô {cell} có công thức ={formula} có phần công thức Planbench không viết được (chữ, tên vùng, nối chuỗi…), nên không chuyển được thành công thức trên dòng; giữ giá trị {kept}.',
    en: 'Cell {cell} holds the formula ={formula}, which has parts Planbench formulas cannot write (text, named ranges, joined text…), so it cannot become a formula on its line; the value {kept} is kept.',
  },
  'import.formula-cell': {
    vi: 'Ô {cell} có công thức ={formula} ở dòng cộng, dòng tổng hoặc cột không phải số liệu của một dòng, và không phải phép cộng các ô, nên không chuyển được thành công thức; giữ giá trị {kept}.',
    en: 'Cell {cell} holds the formula ={formula} on a subtotal or total row, or in a column that is no figure of one line, and it is not a sum of cells, so it cannot become a formula; the value {kept} is kept.',
  },
  'import.formula-part': {
    vi: 'Ô {cell} có công thức ={formula} nhưng ô chỉ là một phần số liệu của dòng (cộng chung với ô khác, hoặc dùng chung cho nhiều dòng), nên không chuyển được thành công thức trên dòng; giữ giá trị {kept}.',
    en: "Cell {cell} holds the formula ={formula}, but the cell is only part of a line's figure (added to another cell, or shared by several lines), so it cannot become a formula on its line; the value {kept} is kept.",
  },
  'import.formula-fails': {
    vi: 'Ô {cell} có công thức ={formula}, Planbench tính ra lỗi {error} (vòng lặp, chia cho 0…), nên không giữ công thức; giữ giá trị {kept}.',
    en: 'Cell {cell} holds the formula ={formula}, for which Planbench gets the error {error} (a cycle, a division by zero…), so the formula is not kept; the value {kept} is kept.',
  },
  'import.empty-sheet': { vi: 'Trang tính "{sheet}" không có dữ liệu.', en: 'The sheet "{sheet}" holds no data.' },
  'import.no-header': {
    vi: 'Trang "{sheet}": không tìm thấy dòng tiêu đề cột (STT, Nội dung, Kế hoạch vốn…); đã dùng dòng {row} làm tiêu đề. Hãy kiểm tra cách ghép cột.',
    en: 'Sheet "{sheet}": no column header (STT, name, plan…) was found; row {row} is used as the header. Check the column mapping.',
  },
  'import.unit-conflict': {
    vi: 'Cột "{column}" ghi đơn vị riêng, khác với "{unit}" của bảng; số liệu cột này được đọc theo đơn vị của cột.',
    en: 'The column "{column}" states its own unit, unlike the table\'s "{unit}"; its figures are read in the column\'s unit.',
  },
  'import.stt-unreadable': {
    vi: 'Số thứ tự "{text}" không theo kiểu đánh số nào (I, 1, 1.1, a, -, +); dòng này không xác định được cấp trong cây.',
    en: 'The number "{text}" follows no numbering style (I, 1, 1.1, a, -, +); this row\'s level in the tree is unknown.',
  },
  'import.no-data': {
    vi: 'Trang "{sheet}" chỉ có tiêu đề cột, không có dòng số liệu nào để nhập.',
    en: 'The sheet "{sheet}" has column headers but no data rows to import.',
  },
  'import.sheet-missing': { vi: 'Tệp không có trang tính "{sheet}".', en: 'The file has no sheet named "{sheet}".' },
  'import.column-duplicate': {
    vi: 'Cột "{column}" có cùng ý nghĩa với một cột đứng trước nên bị bỏ qua. Hãy đổi cách ghép cột nếu cần.',
    en: 'The column "{column}" means the same as an earlier column and is ignored. Change the mapping if needed.',
  },
  'import.no-name-column': {
    vi: 'Không có cột nào được ghép với "Mã" hay "Nội dung", nên không biết mỗi dòng thuộc mục nào. Hãy chọn cột nội dung.',
    en: 'No column is mapped to the code or the name, so the rows cannot be matched to budget items. Choose the name column.',
  },
  'import.no-amount-column': {
    vi: 'Không có cột nào được ghép với kế hoạch vốn hay giải ngân, nên sẽ không nhập được số tiền nào. Hãy chọn các cột số tiền.',
    en: 'No column is mapped to the plan or the disbursed amount, so no money would be imported. Choose the amount columns.',
  },
  'import.rate-derived': {
    vi: 'Cột "{column}" là tỷ lệ tính ra từ số tiền: không nhập làm số liệu, chỉ giữ làm số báo cáo để đối chiếu với tỷ lệ do ứng dụng tính.',
    en: 'The column "{column}" is a rate derived from amounts: it is not imported as data, only kept as the stated figure to compare with the rate the app computes.',
  },
  'import.measure-unsplit': {
    vi: 'Kế hoạch vốn được chia theo nguồn nhưng cột "{column}" thì không; số này được ghi vào dòng của nguồn mặc định (hoặc nguồn ghi trên dòng).',
    en: 'The plan is split by source but the column "{column}" is not; its figure goes to the line of the default source (or the source the row names).',
  },
  'import.items-as-columns': {
    vi: 'Các cột {columns} mang tên dự án hoặc tiểu dự án: bảng này xếp các mục theo cột, mỗi dòng là một địa bàn hay đơn vị. Planbench đọc bảng có mỗi mục trên một dòng, nên các dòng sẽ thành mục mới ngoài cây chương trình và số theo từng dự án không được nhập. Hãy sắp lại bảng mỗi dòng một mục của một địa bàn (các cột STT, Nội dung, Đơn vị thực hiện, Kế hoạch vốn; địa bàn ghi ở cột Đơn vị thực hiện) rồi nhập lại.',
    en: 'The columns {columns} are named after projects or sub-projects: this table has the items across and a place or unit on each row. Planbench reads tables with one item per row, so the rows would become new items outside the program tree and the per-project figures would not be imported. Lay it out with one row per item and place (columns STT, name, implementing unit, plan; the place in the implementing unit column) and import it again.',
  },
  'import.unit-assumed': {
    vi: 'Tệp không ghi đơn vị tính (ví dụ "ĐVT: triệu đồng"); số tiền không kèm đơn vị được đọc là đồng. Hãy chọn đơn vị nếu không đúng.',
    en: 'The file states no unit (e.g. "ĐVT: triệu đồng"); amounts without a unit are read in đồng. Choose the unit if that is wrong.',
  },
  'import.locale-from-file': {
    vi: 'Cột "{column}" chỉ có số như "{example}", đọc được theo hai cách; đã đọc theo định dạng {locale} như các cột khác của tệp.',
    en: 'The column "{column}" holds only numbers like "{example}", which read two ways; they were read as {locale} like the file\'s other columns.',
  },
  'import.locale-ambiguous': {
    vi: 'Cột "{column}" chỉ có số như "{example}": có thể là nghìn (1.234 = một nghìn hai trăm ba mươi tư) hoặc số thập phân. Hãy chọn định dạng số của cột này.',
    en: 'The column "{column}" holds only numbers like "{example}": thousands (vi-VN 1.234 = one thousand two hundred thirty-four) or a decimal (en). Choose this column\'s number format.',
  },
  'import.cell-ambiguous': {
    vi: '"{text}" đọc được theo hai cách; chưa đọc cho đến khi chọn định dạng số của cột.',
    en: '"{text}" reads two ways; it is not read until the column\'s number format is chosen.',
  },
  'import.merged-amount': {
    vi: 'Cột "{column}": một số tiền được gộp ô qua các dòng {rows}; chỉ dòng đầu nhận số tiền này.',
    en: 'Column "{column}": one amount is merged across rows {rows}; only the first row gets it.',
  },
  'import.row-unnamed': {
    vi: 'Dòng {row} không có mã hay nội dung; đã tạo một mục mới đặt tên theo số thứ tự.',
    en: 'Row {row} has neither a code nor a name; a new item named after its number was created.',
  },
  'import.cell-too-long': {
    vi: 'Ô này có {length} ký tự, nhiều hơn 32.767 ký tự một ô bảng tính chứa được; chỉ đọc 32.767 ký tự đầu.',
    en: 'This cell holds {length} characters, more than the 32,767 a spreadsheet cell holds; only the first 32,767 were read.',
  },
  'import.file-too-large': {
    vi: 'Tệp "{file}" nặng {size} MB, vượt giới hạn {limit} MB mà bộ nhập đọc được. Không nhập gì. Hãy tách tệp thành các tệp nhỏ hơn rồi nhập từng tệp.',
    en: 'The file "{file}" is {size} MB, more than the {limit} MB the import reads. Nothing was imported. Split it into smaller files and import them one by one.',
  },
  'import.xlsx-part-too-large': {
    vi: 'Tệp bảng tính có phần "{part}" giải nén ra {size} MB, vượt giới hạn {limit} MB: tệp quá lớn hoặc được làm ra để làm cạn bộ nhớ. Không nhập gì. Nếu đây là bảng tính thật, hãy lưu thành .csv (UTF-8) rồi nhập tệp đó.',
    en: 'The workbook file has a part "{part}" that unpacks to {size} MB, more than the {limit} MB limit: the file is too large or was made to exhaust memory. Nothing was imported. If it is a real workbook, save it as .csv (UTF-8) and import that.',
  },
  'import.xlsx-too-large': {
    vi: 'Tệp bảng tính giải nén ra tổng cộng {size} MB, vượt giới hạn {limit} MB: tệp quá lớn hoặc được làm ra để làm cạn bộ nhớ. Không nhập gì. Nếu đây là bảng tính thật, hãy lưu trang cần nhập thành .csv (UTF-8) rồi nhập tệp đó.',
    en: 'The workbook file unpacks to {size} MB in all, more than the {limit} MB limit: the file is too large or was made to exhaust memory. Nothing was imported. If it is a real workbook, save the sheet to import as .csv (UTF-8) and import that.',
  },
  'import.too-many-cells': {
    vi: 'Bảng tính có {count} ô có dữ liệu, vượt giới hạn {limit} ô mà bộ nhập đọc được. Không nhập gì. Hãy xoá các trang hoặc vùng không cần, hoặc lưu trang cần nhập thành .csv rồi nhập tệp đó.',
    en: 'The workbook holds {count} cells with values, more than the {limit} the import reads. Nothing was imported. Delete the sheets or ranges you do not need, or save the sheet to import as .csv and import that.',
  },
  'import.too-many-merges': {
    vi: 'Bảng tính có {count} vùng gộp ô, vượt giới hạn {limit} vùng mà bộ nhập đọc được. Không nhập gì. Hãy bỏ gộp ô ở các dòng số liệu, hoặc lưu thành .csv rồi nhập lại.',
    en: 'The workbook has {count} merged ranges, more than the {limit} the import reads. Nothing was imported. Unmerge the cells of the data rows, or save it as .csv and import that.',
  },
  'import.merges-too-large': {
    vi: 'Các vùng gộp ô của bảng tính phủ {cells} ô, vượt giới hạn {limit} ô mà bộ nhập đọc được. Không nhập gì. Hãy bỏ gộp các vùng lớn, hoặc lưu thành .csv rồi nhập lại.',
    en: 'The merged ranges of the workbook cover {cells} cells, more than the {limit} the import reads. Nothing was imported. Unmerge the large ranges, or save it as .csv and import that.',
  },
  'import.ranges-too-large': {
    vi: 'Các liên kết (hyperlink) của bảng tính phủ {cells} ô, vượt giới hạn {limit} ô. Không nhập gì. Hãy xoá các liên kết đặt cho cả cột hay cả trang, hoặc lưu thành .csv rồi nhập lại.',
    en: 'The hyperlinks of the workbook cover {cells} cells, more than the {limit} the import reads. Nothing was imported. Remove the links set on whole columns or sheets, or save it as .csv and import that.',
  },
  'import.too-many-rows': {
    vi: 'Tệp có dòng thứ hơn 1.048.576, nhiều hơn một bảng tính chứa được. Không nhập gì. Hãy tách tệp rồi nhập từng phần.',
    en: 'The file has a row past 1,048,576, more than a spreadsheet holds. Nothing was imported. Split it and import the parts.',
  },
  'import.too-many-columns': {
    vi: 'Tệp có cột thứ hơn 16.384, nhiều hơn một bảng tính chứa được: có thể tệp dùng dấu phân cách khác, hoặc không phải một bảng số liệu. Không nhập gì.',
    en: 'The file has a column past 16,384, more than a spreadsheet holds: it may use another separator, or not be a table at all. Nothing was imported.',
  },
} as const satisfies MessageTable;

/** How an import read a table: choices it made from the file's own arithmetic, hidden rows and
 * columns, money it had to place (src/io: import-plan, row-tree, reconcile). */
export const IMPORT_READING_MESSAGES = {
  'import.locale-from-totals': {
    vi: 'Cột "{column}" chỉ có số như "{example}", đọc được theo hai cách; đã đọc theo định dạng {locale} vì chỉ khi đọc như vậy các dòng tổng của chính tệp mới khớp.',
    en: 'The column "{column}" holds only numbers like "{example}", which read two ways; they were read as {locale} because only then do the file\'s own totals add up.',
  },
  'import.subtotals-by-sum': {
    vi: '{count} dòng (dòng {rows}) bằng đúng tổng các dòng ngay dưới (hoặc trên) nó nên được đọc là dòng cộng của các dòng đó, không phải dòng số liệu riêng.',
    en: "{count} row(s) (row {rows}) equal exactly the sum of the rows right below (or above) them, so they are read as those rows' subtotals, not as lines of their own.",
  },
  'import.hidden-rows-read': {
    vi: '{count} dòng bị ẩn trong tệp (dòng {rows}) có số liệu và đã được đọc như các dòng khác. Hãy kiểm tra xem chúng có thuộc bảng không.',
    en: '{count} row(s) hidden in the file (row {rows}) hold data and were read like the others. Check that they belong to the table.',
  },
  'import.hidden-column-read': {
    vi: 'Cột "{column}" bị ẩn trong tệp nhưng không có cột hiện nào cùng ý nghĩa, nên đã được đọc. Hãy kiểm tra.',
    en: 'The column "{column}" is hidden in the file but no visible column means the same, so it was read. Check it.',
  },
  'import.hidden-column-skipped': {
    vi: 'Cột "{column}" bị ẩn trong tệp và có một cột hiện cùng ý nghĩa; đã đọc cột hiện, bỏ qua cột ẩn (thường là số liệu cũ đã được thay).',
    en: 'The column "{column}" is hidden in the file and a visible column means the same; the visible one was read and the hidden one left out (usually a superseded figure).',
  },
  'import.column-is-total': {
    vi: 'Cột {column} bằng đúng {parts} trên mọi dòng nên được đọc là tổng do tệp ghi, không cộng thêm vào kế hoạch.',
    en: 'The column {column} equals {parts} on every row, so it is read as the total the file states, not as more money.',
  },
  'import.column-not-total': {
    vi: 'Cột {column} có tiêu đề như cột tổng nhưng không dòng nào bằng {parts}; đã đọc là số tiền riêng của nó.',
    en: 'The column {column} is headed like a total but on no row equals {parts}; it was read as money of its own.',
  },
  'import.column-chosen-cumulative': {
    vi: 'Các cột {others} cùng ý nghĩa với cột {column} và cộng lại đúng bằng cột đó (các kỳ của một số lũy kế); đã đọc cột {column}.',
    en: 'The columns {others} mean the same as {column} and add up to it (periods of a cumulative figure); {column} was read.',
  },
  'import.column-chosen-totals': {
    vi: 'Cột {column} và {others} cùng ý nghĩa; đã đọc cột {column} vì chỉ với cột này các dòng tổng của tệp mới khớp.',
    en: "The columns {column} and {others} mean the same; {column} was read because only with it do the file's own totals add up.",
  },
  'import.column-chosen-visible': {
    vi: 'Cột {column} và {others} cùng ý nghĩa; đã đọc cột đang hiện {column}, bỏ qua cột bị ẩn.',
    en: 'The columns {column} and {others} mean the same; the visible {column} was read and the hidden one left out.',
  },
  'import.column-chosen-first': {
    vi: 'Cột {column} và {others} cùng ý nghĩa và tệp không cho biết cột nào đúng; đã đọc cột {column}. Hãy kiểm tra cách ghép cột.',
    en: 'The columns {column} and {others} mean the same and the file does not say which is right; {column} was read. Check the column mapping.',
  },
  'import.column-holds-other': {
    vi: 'Cột {column} có tiêu đề là nguồn vốn nhưng các ô ghi loại vốn (hoặc ngược lại); đã đọc là {field}.',
    en: 'The column {column} is headed as a source but its cells name capital types (or the other way round); it was read as {field}.',
  },
  'import.source-unsaid': {
    vi: 'Tệp không ghi nguồn vốn (NSTW, NSĐP hay nguồn khác) của {count} dòng (dòng {rows}; kế hoạch {plan}): ô nguồn vốn của chúng được đánh dấu để điền. Nếu cả tệp là một nguồn, hãy chọn nguồn đó ở mục "Tệp không ghi".',
    en: 'The file does not say the source (central, local or other) of {count} line(s) (row {rows}; plan {plan}): their source cells are marked to fill in. If the whole file is one source, choose it under "Not in the file".',
  },
  'import.capital-unsaid': {
    vi: 'Tệp không ghi loại vốn (đầu tư phát triển hay sự nghiệp) của {count} dòng (dòng {rows}; kế hoạch {plan}): ô loại vốn của chúng được đánh dấu để điền. Nếu cả tệp là một loại vốn, hãy chọn loại đó ở mục "Tệp không ghi".',
    en: 'The file does not say the capital type (investment or recurrent) of {count} line(s) (row {rows}; plan {plan}): their capital type cells are marked to fill in. If the whole file is one type, choose it under "Not in the file".',
  },
  'import.source-by-totals': {
    vi: 'Tệp không ghi nguồn vốn của {count} dòng (dòng {rows}; kế hoạch {plan}), nhưng dòng tổng "{label}" của tệp ({stated}) chỉ khớp khi chúng thuộc nguồn này, nên chúng được ghi theo dòng đó.',
    en: 'The file does not say the source of {count} line(s) (row {rows}; plan {plan}), but its total row "{label}" ({stated}) adds up only if they are of that source, so they are read as such.',
  },
  'import.capital-by-totals': {
    vi: 'Tệp không ghi loại vốn của {count} dòng (dòng {rows}; kế hoạch {plan}), nhưng dòng tổng "{label}" của tệp ({stated}) chỉ khớp khi chúng thuộc loại vốn này, nên chúng được ghi theo dòng đó.',
    en: 'The file does not say the capital type of {count} line(s) (row {rows}; plan {plan}), but its total row "{label}" ({stated}) adds up only if they are of that type, so they are read as such.',
  },
  'import.plan-earlier-year': {
    vi: 'Cột "{column}" là kế hoạch năm {vintage}, trước năm của sổ ({year}), mà không ghi "chuyển sang" hay "kéo dài": {plan} được đọc là vốn năm {vintage} chuyển sang năm {year}. Nếu đó là kế hoạch năm trước để so sánh, hãy đổi nghĩa cột này thành "Bỏ qua".',
    en: 'Column "{column}" is the plan of {vintage}, before the workbook\'s year ({year}), and does not say "carried over" or "extended": {plan} is read as {vintage} money carried into {year}. If it is last year\'s plan for comparison, set this column\'s meaning to "Ignore".',
  },
  'import.rows-after-table': {
    vi: '{count} dòng dưới bảng (dòng {rows}) có số nhưng không được đọc: bảng kết thúc ở dòng trống hoặc phần ký tên phía trên chúng. Nếu đó là một bảng khác, hãy chuyển nó sang một trang riêng rồi nhập trang đó.',
    en: '{count} row(s) below the table (row {rows}) hold numbers but are not read: the table ends at the blank rows or signatures above them. If they are another table, move it to a sheet of its own and import that sheet.',
  },
  'import.memo-rows': {
    vi: '{count} dòng "Trong đó: …" (dòng {rows}) nêu một phần số tiền của dòng trên nó, chỉ để biết; không nhập thành dòng riêng.',
    en: '{count} "Of which: …" row(s) (row {rows}) state part of the money of the row above, for information; they are not imported as lines of their own.',
  },
  'import.disbursed-undivided': {
    vi: 'Số giải ngân của dòng này không chia theo nguồn vốn; toàn bộ đã ghi vào dòng {source} có kế hoạch lớn nhất và ô được đánh dấu để kiểm tra.',
    en: "This row's disbursed amount is not split by source; all of it went to its {source} line with the largest plan, and the cell is marked for checking.",
  },
} as const satisfies MessageTable;

/** Codes from ./formula (reading a formula, its dependencies, its value in a cell). */
export const FORMULA_MESSAGES = {
  'formula.syntax': {
    vi: 'Công thức viết chưa đúng ở ký tự {at} ("{text}"). Ví dụ hợp lệ: =2398*60% hoặc =DA3.TDA1*10%.',
    en: 'The formula is not written correctly at character {at} ("{text}"). Valid examples: =2398*60% or =DA3.TDA1*10%.',
  },
  'formula.too-long': {
    vi: 'Công thức dài quá {max} ký tự.',
    en: 'The formula is longer than {max} characters.',
  },
  'formula.too-deep': {
    vi: 'Công thức lồng quá nhiều dấu ngoặc.',
    en: 'The formula nests too many parentheses.',
  },
  'formula.unknown-name': {
    vi: '"{text}" không phải mã của mục nào hay tên của dòng nào trong sổ này.',
    en: '"{text}" is not the code of an item or the label of a line in this workbook.',
  },
  'formula.unknown-function': {
    vi: 'Không có hàm "{text}". Các hàm dùng được: SUM (TONG), ROUND, ROUNDUP, ROUNDDOWN, MIN, MAX, IF (NEU), ABS, AND, OR, NOT.',
    en: 'There is no function "{text}". Functions you can use: SUM, ROUND, ROUNDUP, ROUNDDOWN, MIN, MAX, IF, ABS, AND, OR, NOT.',
  },
  'formula.unknown-field': {
    vi: '"{text}" không phải cột có thể tham chiếu (Kế hoạch, Đã giải ngân, Dự kiến; với mục: thêm NSTW, NSĐP, ĐTPT, Sự nghiệp…).',
    en: '"{text}" is not a column a formula can read (plan, disbursed, expectedRate; for items also central, local, investment, recurrent…).',
  },
  'formula.ambiguous-line': {
    vi: 'Có nhiều dòng tên "{text}": hãy nhấp vào dòng muốn dùng khi đang sửa công thức, hoặc viết [mã mục / tên dòng].',
    en: 'Several lines are labelled "{text}": click the line you mean while editing the formula, or write [item code / line label].',
  },
  'formula.no-self': {
    vi: '[@…] chỉ dùng được trong ô của một dòng hoặc công thức cho cả cột.',
    en: "[@…] can only be used in a line's cell or a column formula.",
  },
  'formula.arity': {
    vi: 'Hàm {text} không nhận số đối số này.',
    en: 'The function {text} does not take this number of arguments.',
  },
  'formula.cycle': {
    vi: 'Công thức tạo vòng tham chiếu: {cells}. Ô không thể tính từ chính nó.',
    en: 'The formula makes a circular reference: {cells}. A cell cannot be computed from itself.',
  },
  'formula.error.ref': {
    vi: 'Công thức tham chiếu tới mục hoặc dòng đã bị xóa (#REF!). Hoàn tác việc xóa hoặc sửa công thức.',
    en: 'The formula refers to an item or line that was deleted (#REF!). Undo the deletion or edit the formula.',
  },
  'formula.error.div-zero': {
    vi: 'Công thức chia cho 0 (#DIV/0!).',
    en: 'The formula divides by zero (#DIV/0!).',
  },
  'formula.error.value': {
    vi: 'Công thức cho kết quả không phải là số (#VALUE!).',
    en: 'The formula does not give a number (#VALUE!).',
  },
  'formula.error.num': {
    vi: 'Công thức cho số không tính được (#NUM!), ví dụ lũy thừa quá lớn.',
    en: 'The formula gives a number that cannot be computed (#NUM!), such as too large a power.',
  },
  'formula.error.cycle': {
    vi: 'Ô này nằm trong hoặc phụ thuộc một vòng tham chiếu (#CYCLE!).',
    en: 'This cell is in, or reads, a circular reference (#CYCLE!).',
  },
  'formula.error.not-a-number': {
    vi: 'Công thức cho kết quả đúng/sai, không phải số tiền.',
    en: 'The formula gives true/false, not an amount.',
  },
  'formula.error.too-large': {
    vi: 'Kết quả công thức vượt quá 9.007.199.254.740.991 đồng.',
    en: "The formula's result exceeds 9,007,199,254,740,991 đồng.",
  },
} as const satisfies MessageTable;

/** Shared workbooks: talking to the server, and what it refused (its own sentence, {said}, given in each language: said_vi, said_en). */
export const SYNC_MESSAGES = {
  'sync.offline': {
    vi: 'Không kết nối được máy chủ {server}. Các thay đổi vẫn lưu trong trình duyệt này và sẽ được gửi khi có kết nối.',
    en: 'Cannot reach the server {server}. Changes stay saved in this browser and are sent once it is reachable.',
  },
  'sync.login': {
    vi: 'Cần đăng nhập vào máy chủ {server} để đồng bộ; các thay đổi vẫn lưu trong trình duyệt này.',
    en: 'Log in to the server {server} to synchronise; changes stay saved in this browser.',
  },
  'sync.refused': { vi: 'Máy chủ từ chối: {said}', en: 'The server refused: {said}' },
  'sync.server-down': {
    vi: 'Máy chủ {server} đang gặp sự cố: {said} Các thay đổi vẫn lưu trong trình duyệt này và sẽ tự được gửi lại.',
    en: 'The server {server} is in trouble: {said} Changes stay saved in this browser and are sent again by themselves.',
  },
  'sync.push-refused': {
    vi: 'Máy chủ không nhận {count} thay đổi của sổ này: {said} Các thay đổi đó vẫn giữ trong trình duyệt, chưa gửi được.',
    en: 'The server did not take {count} change(s) of this workbook: {said} They are kept in this browser, not sent.',
  },
  'sync.bad-answer': { vi: 'Máy chủ {server} trả lời không đúng dạng mong đợi: {detail}', en: 'The server {server} gave an answer of an unexpected shape: {detail}' },
  'sync.not-shared': { vi: 'Sổ này chưa được chia sẻ lên máy chủ.', en: 'This workbook is not shared on a server.' },
  'sync.empty-snapshot': { vi: 'Máy chủ chưa có dữ liệu của sổ này.', en: 'The server holds no data of this workbook yet.' },
  'sync.conflict-decided': {
    vi: '{who} đã xử lý xung đột này trước bạn; mọi người thấy quyết định của {who}. Nếu bạn vừa đổi lại giá trị, đó là một thay đổi thường, hoàn tác được.',
    en: '{who} settled this conflict before you; everyone sees {who}’s decision. If you just changed the value back, that is an ordinary edit, which can be undone.',
  },
  'sync.scenario-gone': {
    vi: 'Kịch bản «{name}» đang mở đã bị xoá ở nơi khác (máy chủ đã nhận việc xoá); sổ chuyển sang kịch bản gốc.',
    en: 'The scenario “{name}” open here was deleted elsewhere (the server took the deletion); the workbook now shows the baseline.',
  },
  'sync.not-yours': {
    vi: 'Sổ này không thuộc {org}: tài khoản {user} không được mở hay đồng bộ sổ của đơn vị khác. Hãy đăng nhập bằng tài khoản của đơn vị sở hữu sổ.',
    en: 'This workbook does not belong to {org}: the account {user} may not open or synchronise another office’s workbook. Log in with an account of the office that owns it.',
  },
  'submission.not-shared': {
    vi: 'Chỉ sổ đã chia sẻ lên máy chủ mới gửi tỉnh được: hãy "Chia sẻ lên máy chủ…" trước.',
    en: 'Only a workbook shared on a server can be sent to the province: use "Share on a server…" first.',
  },
  'submission.unsent': {
    vi: 'Còn {count} thay đổi chưa lên máy chủ, nên chưa gửi tỉnh (bản gửi phải có đủ mọi thay đổi). Khi có kết nối, hãy gửi lại.',
    en: '{count} change(s) have not reached the server yet, so nothing was sent to the province (the version sent must hold every change). Send again once connected.',
  },
  'submission.waiting': {
    vi: 'Bản gửi trước vẫn đang chờ tỉnh xem; chỉ gửi bản mới sau khi tỉnh trả lại hoặc duyệt.',
    en: 'The previous submission still waits for the province; send a new one once it is returned or approved.',
  },
  'submission.answered': {
    vi: 'Bản gửi này đã được trả lời rồi (trả lại hoặc đã duyệt); hãy tải lại bảng các huyện.',
    en: 'This submission has been answered already (returned or approved); reload the districts’ board.',
  },
  'submission.not-province': {
    vi: 'Chỉ tài khoản của tỉnh mới xem được bảng các huyện.',
    en: 'Only a province account sees the districts’ board.',
  },
  'submission.read-only': {
    vi: 'Đây là bản {district} gửi tỉnh, chỉ để xem: không sửa được. Muốn sửa, hãy trả lại cho huyện kèm ý kiến.',
    en: 'This is the version {district} sent to the province, for reading only: it cannot be edited. To have it changed, return it to the district with a comment.',
  },
  'version.read-only': {
    vi: 'Đây là sổ như ở phiên bản {seq} trên máy chủ, chỉ để xem: không sửa được. Muốn dùng lại, hãy "Khôi phục thành kịch bản mới".',
    en: 'This is the workbook as it stood at version {seq} on the server, for reading only: it cannot be edited. To use it again, "Restore as a new variant".',
  },
  'version.restored': {
    vi: 'Đã khôi phục kịch bản "{from}" như ở phiên bản {seq} thành kịch bản mới "{name}": {lines} dòng. Kịch bản mới đang mở và được gửi lên máy chủ.',
    en: 'Restored the scenario "{from}" as it stood at version {seq} as the new variant "{name}": {lines} lines. The new variant is open and is being sent to the server.',
  },
  'version.restored-items': {
    vi: 'Đã khôi phục kịch bản "{from}" như ở phiên bản {seq} thành kịch bản mới "{name}": {lines} dòng; đặt lại {items} mục và {places} địa bàn đã bị xoá mà các dòng đó cần. Kịch bản mới đang mở và được gửi lên máy chủ.',
    en: 'Restored the scenario "{from}" as it stood at version {seq} as the new variant "{name}": {lines} lines; put back {items} items and {places} places deleted since that those lines need. The new variant is open and is being sent to the server.',
  },
  'consolidate.followed': {
    vi: 'Sổ tổng hợp đã cập nhật theo bản mới của: {districts}.',
    en: 'The consolidated workbook now holds the newer versions of: {districts}.',
  },
  'consolidate.follow-failed': {
    vi: 'Chưa cập nhật được sổ tổng hợp theo các huyện: {reason}',
    en: 'The consolidated workbook could not follow its districts: {reason}',
  },
  'consolidate.read-only': {
    vi: 'Sổ đang mở là bản chỉ xem; hãy mở sổ tổng hợp của tỉnh rồi tổng hợp.',
    en: 'The open workbook is read-only; open the province’s consolidated workbook, then consolidate.',
  },
} as const satisfies MessageTable;

export const MESSAGES = {
  ...CHECK_MESSAGES,
  ...AMOUNT_MESSAGES,
  ...CELL_INPUT_MESSAGES,
  ...APP_MESSAGES,
  ...PLACE_MESSAGES,
  ...RULE_FILE_MESSAGES,
  ...ALLOCATION_MESSAGES,
  ...SCENARIO_MESSAGES,
  ...DRAFT_MESSAGES,
  ...IMPORT_MESSAGES,
  ...IMPORT_READING_MESSAGES,
  ...BACKUP_MESSAGES,
  ...FORMULA_MESSAGES,
  ...SYNC_MESSAGES,
} as const satisfies MessageTable;

/** Every problem code the app can raise: a code not in the tables fails to compile. */
export type ProblemCode = keyof typeof MESSAGES;

const GENERIC: MessageTemplates = {
  vi: 'Dữ liệu không hợp lệ (mã lỗi: {code}).',
  en: 'The data is not valid (error code: {code}).',
};

// Pasted text can be a whole paragraph; a sentence quotes only its start.
const MAX_PARAM_CHARS = 60;

function interpolate(template: string, params: Record<string, string | number>, maxChars = MAX_PARAM_CHARS, lang?: Lang): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    // A param given in each language (someone else's sentence, e.g. the server's) as name_vi, name_en.
    const key = lang && Object.hasOwn(params, `${name}_${lang}`) ? `${name}_${lang}` : name;
    if (!Object.hasOwn(params, key)) return placeholder;
    const value = String(params[key]);
    return value.length > maxChars ? `${value.slice(0, maxChars - 1)}…` : value;
  });
}

/** One sentence for the problem in `lang`, params filled in; an unknown code gives a generic
 * sentence that still names the code. Never throws. */
export function describeProblem(p: { code: string; params?: Problem['params'] }, lang: Lang, table: MessageTable = MESSAGES): string {
  const templates = Object.hasOwn(table, p.code) ? table[p.code] : null;
  if (!templates) return interpolate(GENERIC[lang], { code: p.code });
  return interpolate(templates[lang], p.params ?? {}, MAX_PARAM_CHARS, lang);
}
