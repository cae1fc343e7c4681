// What the command line says of a file it read, as the import dialog shows it: the sheets and what
// each holds, and the reconciliation of every total the file states against the lines that will
// land (✓, or the file's figure and the difference), then the columns of numbers mapped to nothing.
// In Vietnamese and English, amounts in the chosen unit and number format.

import type { AmountUnit, NumberLocale } from '../domain/model';
import { formatAmount } from '../domain/amount';
import type { ImportReading } from '../io/import-plan';

const HOLDS: Record<string, string> = {
  money: 'bảng số tiền / a money table',
  list: 'danh sách, không có số tiền / a list, no money',
  text: 'chữ / text',
  empty: 'trống / empty',
};
const UNIT_WORDS: Record<AmountUnit, string> = { dong: 'đồng', nghin: 'nghìn đồng', trieu: 'triệu đồng', ty: 'tỷ đồng' };

/** Text padded or cut to a width (by characters, which is what a terminal shows for Vietnamese). */
function fit(text: string, width: number, right = false): string {
  const chars = [...text];
  const cut = chars.length > width ? chars.slice(0, width - 1).join('') + '…' : text;
  const pad = ' '.repeat(Math.max(0, width - [...cut].length));
  return right ? pad + cut : cut + pad;
}

/** The sheets, the reconciliation table and the unmapped columns, for stderr. */
export function formatReading(reading: ImportReading, unit: AmountUnit, locale: NumberLocale, maxRows = 60): string {
  const out: string[] = [];
  const amount = (v: number) => formatAmount(v, unit, locale);
  if (reading.file.sheets.length > 1) {
    out.push(`Trang tính / sheets (đọc / read: "${reading.sheet}"):`);
    for (const s of reading.file.sheets) out.push(`  ${s.index}. ${s.name}${s.hidden ? ' (ẩn / hidden)' : ''}: ${HOLDS[s.holds]}`);
    if (reading.file.alike.length >= 2) out.push(`  Cùng mẫu, mỗi trang một huyện / laid out alike, one per district: ${reading.file.alike.join(', ')} (--sheet)`);
    out.push('');
  }
  const rec = reading.result.reconciliation;
  out.push(`Đối chiếu với các số tổng của tệp / checked against the file's own totals (${UNIT_WORDS[unit]}):`);
  if (rec.checked === 0) out.push('  Tệp không ghi số tổng nào / the file states no totals.');
  else {
    out.push(
      rec.matched === rec.checked
        ? `  ✓ ${rec.checked}/${rec.checked} số tổng khớp / totals match.`
        : `  ${rec.checked - rec.matched}/${rec.checked} số tổng không khớp / totals differ (Δ = các dòng − tệp / the lines − the file).`,
    );
    const columns = rec.columns.filter((c) => rec.rows.some((r) => r.cells.some((x) => x.col === c.col)));
    const cellText = (computed: number, stated: number) =>
      computed === stated ? `${amount(computed)} ✓` : `${amount(computed)} ≠ ${amount(stated)} Δ ${computed > stated ? '+' : '−'}${amount(Math.abs(computed - stated))}`;
    const shown = rec.rows
      .filter((r) => !r.ok)
      .concat(rec.rows.filter((r) => r.ok))
      .slice(0, maxRows);
    const order = new Set(shown);
    const rows = rec.rows.filter((r) => order.has(r));
    const widths = columns.map((c) =>
      Math.min(
        40,
        Math.max(
          [...c.header].length,
          ...rows.map((r) => {
            const cell = r.cells.find((x) => x.col === c.col);
            return cell ? [...cellText(cell.computed, cell.stated)].length : 0;
          }),
        ),
      ),
    );
    out.push(`  ${fit('Dòng', 5)} ${fit('Nội dung / item', 36)} ${columns.map((c, k) => fit(c.header || `#${c.col + 1}`, widths[k], true)).join('  ')}`);
    for (const r of rows) {
      const cells = columns.map((c, k) => {
        const cell = r.cells.find((x) => x.col === c.col);
        return fit(cell ? cellText(cell.computed, cell.stated) : '', widths[k], true);
      });
      out.push(`  ${fit(String(r.row), 5)} ${fit('  '.repeat(Math.min(r.depth, 4)) + r.label, 36)} ${cells.join('  ')}`);
    }
    const more = rec.rows.length + rec.quietRows - rows.length;
    if (more > 0) out.push(`  … ${more} dòng tổng khác, đều khớp / more total rows, all matching.`);
  }
  for (const u of rec.unmapped) {
    out.push(
      `  Cột "${u.header || `#${u.col + 1}`}" có số nhưng không được nhập: tổng ${amount(u.total)} trên ${u.count} dòng / holds numbers but is not imported: ${amount(u.total)} in all on ${u.count} rows.`,
    );
  }
  return out.join('\n') + '\n';
}
