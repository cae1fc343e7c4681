// The office a workbook belongs to and its document heading (Decree 30/2020/NĐ-CP): defaults from
// the province, district and issuer a user gives, the place line of a workbook, and the heading's
// lines as a report prints them.

import type { OfficeInfo, Workbook } from './model';

export function blankOffice(): OfficeInfo {
  return { province: '', district: '', issuer: '', parent: '', number: '', place: '', date: null, recipients: '', compiler: '', signerTitle: '', signerName: '' };
}

/** A name with its administrative level kept as typed ("Cao Lộc" → "huyện Cao Lộc" only when bare). */
function withLevel(name: string, level: string): string {
  const n = name.trim();
  if (!n) return '';
  return /^(tỉnh|thành phố|huyện|quận|thị xã|thành phố|xã|phường|thị trấn)\s/i.test(n) ? n : `${level} ${n}`;
}

/**
 * The office of a new workbook from what the user gave: the issuer defaults to the district's
 * (else the province's) People's Committee, the place of the date line to the district's name.
 */
export function officeFrom(given: { province?: string; district?: string; issuer?: string }): OfficeInfo {
  const province = (given.province ?? '').trim();
  const district = (given.district ?? '').trim();
  const bare = (n: string) => n.replace(/^(tỉnh|thành phố|huyện|quận|thị xã)\s+/i, '');
  const issuer =
    (given.issuer ?? '').trim() || (district ? `Ủy ban nhân dân ${withLevel(district, 'huyện')}` : province ? `Ủy ban nhân dân ${withLevel(province, 'tỉnh')}` : '');
  return {
    ...blankOffice(),
    province,
    district,
    issuer,
    parent: district && province ? `UBND ${withLevel(province, 'tỉnh')}` : '',
    number: issuer ? 'Số:      /BC-UBND' : '',
    place: bare(district) || bare(province),
  };
}

/** The place line a workbook shows ("Huyện Cao Lộc, tỉnh Lạng Sơn"), from its office. */
export function placeLine(o: Pick<OfficeInfo, 'province' | 'district'>): string {
  const parts = [withLevel(o.district, 'huyện'), withLevel(o.province, 'tỉnh')].filter(Boolean);
  const line = parts.join(', ');
  return line ? line[0].toUpperCase() + line.slice(1) : '';
}

/** The workbook's office (a blank one for workbooks made before offices were kept). */
export function officeOf(wb: Workbook): OfficeInfo {
  return { ...blankOffice(), ...(wb.office ?? {}) };
}

/** The date line: "Cao Lộc, ngày 15 tháng 11 năm 2023", blanks left for a date not yet set. */
export function dateLine(o: OfficeInfo, year: number, lang: 'vi' | 'en'): string {
  const [y, m, d] = o.date ? o.date.split('-').map(Number) : [year, 0, 0];
  if (lang === 'en') {
    const when = o.date ? `${d}/${m}/${y}` : `…/…/${year}`;
    return o.place ? `${o.place}, ${when}` : when;
  }
  const when = `ngày ${d ? String(d).padStart(2, '0') : '     '} tháng ${m ? String(m).padStart(2, '0') : '     '} năm ${y}`;
  return o.place ? `${o.place}, ${when}` : when[0].toUpperCase() + when.slice(1);
}
