// The office of a workbook and its document heading: defaults from what a user gives at creation,
// the place line, and the date line as a Vietnamese administrative document writes it.
import { describe, expect, it } from 'vitest';
import { dateLine, officeFrom, placeLine } from '../../src/domain/office';
import { docHeading, reportText, xlsxFrame } from '../../src/ui/report/report-html';

describe('office', () => {
  it('defaults the issuer to the district People’s Committee and the date line place to the district', () => {
    const o = officeFrom({ province: 'Lạng Sơn', district: 'Cao Lộc' });
    expect(o.issuer).toBe('Ủy ban nhân dân huyện Cao Lộc');
    expect(o.parent).toBe('UBND tỉnh Lạng Sơn');
    expect(o.place).toBe('Cao Lộc');
    expect(placeLine(o)).toBe('Huyện Cao Lộc, tỉnh Lạng Sơn');
    // A level typed by the user is kept, not doubled.
    expect(placeLine(officeFrom({ province: 'Thành phố Hà Nội', district: 'Quận Ba Đình' }))).toBe('Quận Ba Đình, Thành phố Hà Nội');
    expect(officeFrom({ province: 'Lạng Sơn' }).issuer).toBe('Ủy ban nhân dân tỉnh Lạng Sơn');
    expect(officeFrom({ district: 'Cao Lộc', issuer: 'Phòng LĐ-TB&XH huyện Cao Lộc' }).issuer).toBe('Phòng LĐ-TB&XH huyện Cao Lộc');
  });

  it('writes the date line with the day and month left blank until the date is set', () => {
    const o = officeFrom({ district: 'Cao Lộc' });
    expect(dateLine(o, 2023, 'vi')).toBe('Cao Lộc, ngày       tháng       năm 2023');
    expect(dateLine({ ...o, date: '2023-11-05' }, 2023, 'vi')).toBe('Cao Lộc, ngày 05 tháng 11 năm 2023');
  });

  it('puts the heading before the title and the signatures after the narrative in the text report', () => {
    const o = {
      ...officeFrom({ province: 'Lạng Sơn', district: 'Cao Lộc' }),
      recipients: 'Sở LĐ-TB&XH;\nLưu: VT.',
      signerTitle: 'KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH',
      signerName: 'Nguyễn Văn A',
    };
    const text = reportText({
      heading: docHeading(o, 2023, 'vi'),
      title: 'Báo cáo',
      subtitle: '',
      unitLine: '',
      table: { headers: [], rows: [], numeric: [], widths: [] },
      tableCaption: '',
      narrativeTitle: 'Phần thuyết minh',
      paragraphs: [{ nodeId: null, level: 'total', heading: 'Chung', text: 'Nội dung.' }],
      checksTitle: '',
      checks: [],
    });
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['UBND TỈNH LẠNG SƠN', 'ỦY BAN NHÂN DÂN HUYỆN CAO LỘC', 'Số:      /BC-UBND']);
    expect(lines.indexOf('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toBeLessThan(lines.indexOf('Báo cáo'));
    expect(lines.indexOf('- Lưu: VT.')).toBeGreaterThan(lines.indexOf('Nội dung.'));
    expect(lines.at(-2)).toBe('Nguyễn Văn A'); // the text ends with a newline
  });
});

describe('the report as .xlsx', () => {
  it('carries the heading above the title and the signature block below the table', async () => {
    const { exportTableXlsx } = await import('../../src/io/export-xlsx');
    const ExcelJS = (await import('exceljs')).default;
    const o = {
      ...officeFrom({ province: 'Lạng Sơn', district: 'Cao Lộc' }),
      recipients: 'Sở LĐ-TB&XH;\nLưu: VT.',
      compiler: 'Lý Thị B',
      signerTitle: 'KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH',
      signerName: 'Nguyễn Văn A',
    };
    const bytes = await exportTableXlsx('Bảng tổng hợp', 'ĐVT: triệu đồng', ['Mã', 'Nội dung', 'Kế hoạch'], [{ cells: ['DA1', 'Dự án 1', { amount: 5_000_000 }] }], {
      unit: 'trieu',
      ...xlsxFrame(docHeading(o, 2023, 'vi')),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer as ArrayBuffer);
    const ws = wb.worksheets[0];
    const texts: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => void (c.value !== null && c.value !== '' && texts.push(String(c.value)))));
    const at = (t: string) => texts.indexOf(t);
    expect(at('ỦY BAN NHÂN DÂN HUYỆN CAO LỘC')).toBeGreaterThanOrEqual(0);
    expect(at('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toBeLessThan(at('Bảng tổng hợp'));
    expect(at('Dự án 1')).toBeLessThan(at('- Lưu: VT.'));
    expect(at('Nguyễn Văn A')).toBeGreaterThan(at('Dự án 1'));
    expect(texts).toContain('NGƯỜI LẬP BIỂU');
  });
});
