import { describe, expect, it } from 'vitest';
import {
  HEADER_VOCABULARY,
  chooseMapping,
  duplicateColumns,
  findUnitIn,
  guessColumn,
  guessMapping,
  headerWordScore,
  itemInTitles,
  splitInTitles,
  templateKeyOf,
} from '../../src/io/column-map';
import { foldToKey } from '../../src/domain/text';
import type { ColumnRole } from '../../src/io/column-map';

const table = (headerParts: string[][]) => ({ headerParts, headers: headerParts.map((p) => p.join(' / ')) });

describe('guessColumn', () => {
  it.each<[string[], ColumnRole]>([
    [['STT'], { field: 'stt' }],
    [['TT'], { field: 'stt' }],
    [['Số thứ tự'], { field: 'stt' }],
    [['Mã số'], { field: 'code' }],
    [['Code'], { field: 'code' }],
    [['Nội dung'], { field: 'name' }],
    [['Tên dự án, tiểu dự án'], { field: 'name' }],
    [['Danh mục'], { field: 'name' }],
    [['Item'], { field: 'name' }],
    [['Đơn vị thực hiện'], { field: 'unit' }],
    [['Chủ đầu tư'], { field: 'unit' }],
    [['Implementing unit'], { field: 'unit' }],
    [['ĐVT'], { field: 'ignore' }],
    [['Đơn vị tính'], { field: 'ignore' }],
    [['Nguồn vốn'], { field: 'source' }],
    [['Source'], { field: 'source' }],
    [['Loại vốn'], { field: 'capital' }],
    [['Capital type'], { field: 'capital' }],
    [['Năm giao vốn'], { field: 'vintage' }],
    [['Vintage'], { field: 'vintage' }],
    [['Ghi chú'], { field: 'label' }],
    [['Kế hoạch vốn'], { field: 'plan' }],
    [['Kế hoạch vốn năm 2023', 'NSTW'], { field: 'plan', source: 'central', vintage: 2023 }],
    [['Kế hoạch vốn năm 2023', 'Chia ra', 'NSĐP'], { field: 'plan', source: 'local', vintage: 2023 }],
    [['Kế hoạch vốn', 'Vốn đầu tư'], { field: 'plan', capital: 'investment' }],
    [['Kế hoạch vốn', 'Sự nghiệp'], { field: 'plan', capital: 'recurrent' }],
    [['Nguồn vốn năm 2022 chuyển sang'], { field: 'plan', vintage: 2022, carriedIn: true }],
    [['Vốn năm trước chuyển sang'], { field: 'plan', carriedIn: true }],
    [['NSTW'], { field: 'plan', source: 'central' }],
    [['Kế hoạch vốn (triệu đồng)'], { field: 'plan', unit: 'trieu' }],
    [['Plan (million VND)'], { field: 'plan', unit: 'trieu' }],
    [['Giải ngân đến thời điểm báo cáo'], { field: 'disbursed' }],
    [['Lũy kế giải ngân', 'NSTW'], { field: 'disbursed', source: 'central' }],
    [['Giải ngân', 'Số tiền'], { field: 'disbursed' }],
    [['Giải ngân đến ngày 15/11/2023'], { field: 'disbursed', asOf: '2023-11-15' }],
    [['Disbursed to 15/11/2023 (million VND)'], { field: 'disbursed', asOf: '2023-11-15', unit: 'trieu' }],
    [['Thực hiện'], { field: 'disbursed' }],
    [['Số vốn đã giải ngân'], { field: 'disbursed' }],
    [['Giá trị giải ngân'], { field: 'disbursed' }],
    [['Kết quả giải ngân'], { field: 'disbursed' }],
    [['Kết quả thực hiện'], { field: 'label' }],
    [['Vốn đã thanh toán'], { field: 'disbursed' }],
    [['Vốn phân bổ'], { field: 'plan' }],
    [['Số vốn phân bổ', 'NSTW'], { field: 'plan', source: 'central' }],
    [['Vốn năm'], { field: 'vintage' }],
    [['Vốn kéo dài'], { field: 'plan', carriedIn: true }],
    [['Giải ngân', 'Tỷ lệ (%)'], { field: 'rate' }],
    [['Tỷ lệ giải ngân (%)'], { field: 'rate' }],
    [['Dự kiến giải ngân cả năm (%)'], { field: 'expectedRate' }],
    [['Dự kiến tỷ lệ giải ngân'], { field: 'expectedRate' }],
    [['Expected rate (%)'], { field: 'expectedRate' }],
    [['Dự kiến giải ngân đến 31/12 (triệu đồng)'], { field: 'expectedAmount', unit: 'trieu' }],
    [['Ước giải ngân đến 31/12/2024'], { field: 'expectedAmount' }],
    [['Ước thực hiện cả năm'], { field: 'expectedAmount' }],
    [['Ước tỷ lệ giải ngân cả năm (%)'], { field: 'expectedRate' }],
    [['Ngày số liệu'], { field: 'asOf' }],
    [['Xã'], { field: 'name' }],
    [['Something else'], { field: 'ignore' }],
    [[], { field: 'ignore' }],
  ])('%j → %j', (parts, role) => {
    const { total: _total, ...guessed } = guessColumn(parts);
    expect(guessed).toEqual(role);
  });
});

describe('guessMapping', () => {
  it('takes money carried into the plan’s year as plan of the year before, and money carried on to a later year as no plan', () => {
    const headers = [
      ['Kế hoạch vốn năm 2024'],
      ['Kế hoạch vốn năm 2023 chuyển sang năm 2024'],
      ['Vốn chuyển sang năm 2024'],
      ['Số vốn chuyển nguồn sang năm 2025'],
      ['Dự kiến chuyển nguồn sang năm sau'],
    ];
    expect(guessMapping(table(headers), 2024).columns).toEqual([
      { field: 'plan', vintage: 2024 },
      { field: 'plan', vintage: 2023, carriedIn: true },
      { field: 'plan', vintage: 2023, carriedIn: true },
      { field: 'ignore' },
      { field: 'ignore' },
    ]);
  });

  it('makes the unsplit column of a split measure its stated total', () => {
    const m = guessMapping(
      table([
        ['STT'],
        ['Nội dung'],
        ['Kế hoạch vốn năm 2023', 'Tổng số'],
        ['Kế hoạch vốn năm 2023', 'NSTW'],
        ['Kế hoạch vốn năm 2023', 'NSĐP'],
        ['Giải ngân', 'Tổng số'],
        ['Giải ngân', 'NSTW'],
        ['Giải ngân', 'NSĐP'],
      ]),
    );
    expect(m.columns.map((c) => c.field)).toEqual(['stt', 'name', 'statedPlan', 'plan', 'plan', 'statedDisbursed', 'disbursed', 'disbursed']);
  });

  it('keeps plan columns of different vintages as plan', () => {
    const m = guessMapping(table([['Nội dung'], ['Nguồn năm 2022 chuyển sang'], ['Kế hoạch 2023', 'NSTW'], ['Kế hoạch 2023', 'NSĐP']]));
    expect(m.columns).toEqual([
      { field: 'name' },
      { field: 'plan', vintage: 2022, carriedIn: true },
      { field: 'plan', source: 'central', vintage: 2023 },
      { field: 'plan', source: 'local', vintage: 2023 },
    ]);
  });

  it('takes a second name column as a label and ignores a second STT', () => {
    const m = guessMapping(table([['STT'], ['TT'], ['Nội dung'], ['Tên hoạt động'], ['Kế hoạch']]));
    expect(m.columns.map((c) => c.field)).toEqual(['stt', 'ignore', 'name', 'label', 'plan']);
  });
});

describe('duplicateColumns', () => {
  it('lists the later of two columns holding the same money', () => {
    expect(duplicateColumns([{ field: 'plan' }, { field: 'plan', source: 'local' }, { field: 'plan' }, { field: 'label' }, { field: 'label' }])).toEqual([2]);
  });
});

describe('templateKeyOf', () => {
  it('gives the same key to the same headers written differently, another to other headers', () => {
    const a = templateKeyOf(['STT', 'Nội dung', 'Kế hoạch vốn năm 2023 / NSĐP']);
    expect(templateKeyOf(['stt', 'NỘI DUNG', 'Kế hoạch  vốn năm 2023 / NS\u00D0P'.normalize('NFD')])).toBe(a);
    expect(templateKeyOf(['STT', 'Nội dung', 'Kế hoạch vốn năm 2024 / NSĐP'])).not.toBe(a);
    expect(templateKeyOf(['STT', 'Nội dung'])).not.toBe(a);
    expect(a).toMatch(/^h3-[0-9a-f]{8}$/);
  });
});

describe('chooseMapping', () => {
  it('applies a saved mapping to the same headers, and guesses otherwise', () => {
    const t = table([['STT'], ['Nội dung'], ['Số liệu']]);
    const guess = guessMapping(t);
    expect(guess.columns[2]).toEqual({ field: 'ignore' });
    const saved = { [guess.templateKey]: [{ field: 'stt' }, { field: 'name' }, { field: 'plan', unit: 'trieu' }] as ColumnRole[] };
    const chosen = chooseMapping(t, saved);
    expect(chosen.fromTemplate).toBe(true);
    expect(chosen.mapping.columns[2]).toEqual({ field: 'plan', unit: 'trieu' });
    expect(chooseMapping(table([['STT'], ['Nội dung'], ['Khác']]), saved).fromTemplate).toBe(false);
  });
});

describe('header words and units', () => {
  it('scores column names, not titles', () => {
    expect(headerWordScore('Kế hoạch vốn năm 2023')).toBe(1);
    expect(headerWordScore('NSTW')).toBe(1);
    expect(headerWordScore('UBND HUYỆN CAO LỘC')).toBe(0);
    expect(headerWordScore('BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN VỐN CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG NĂM 2023 VÀ KẾ HOẠCH')).toBe(0);
  });

  it.each([
    ['ĐVT: triệu đồng', 'trieu'],
    ['Đơn vị tính: Tỷ đồng', 'ty'],
    ['(ĐVT: nghìn đồng)', 'nghin'],
    ['Kế hoạch (tr.đ)', 'trieu'],
    ['Giải ngân (đồng)', 'dong'],
    ['Plan (million VND)', 'trieu'],
    ['Tỷ lệ (%)', null],
    ['Đơn vị thực hiện', null],
    ['Số hộ', null],
  ])('%s → %s', (text, unit) => {
    expect(findUnitIn(text)).toBe(unit);
  });
});

describe('the header vocabulary', () => {
  // What a header's meaning becomes as a column's field: a derived figure is never read.
  const fieldOf = (means: string) => (means === 'unread' ? 'ignore' : means);
  const examples = HEADER_VOCABULARY.flatMap((w) => w.examples.map((e) => [e, w.means] as const));

  it.each(examples)('reads "%s" as %s', (header, means) => {
    expect(guessColumn([header]).field).toBe(fieldOf(means));
  });

  it('has an example for every word it knows', () => {
    for (const w of HEADER_VOCABULARY) {
      const keys = w.examples.map((e) => foldToKey(e.replace(/\([^()]*\)/g, ' ')));
      const stripped = keys.map((k) => k.replace(/\d+/g, ''));
      for (const word of w.exact) expect(keys.includes(word) || stripped.includes(word), `${w.means}: ${word}`).toBe(true);
      for (const word of w.prefixes)
        expect(
          [...keys, ...stripped].some((k) => k.includes(word)),
          `${w.means}: ${word}…`,
        ).toBe(true);
    }
  });

  it('reads the abbreviations offices use under a split header', () => {
    expect(guessColumn(['KH vốn năm 2023', 'NSTW'])).toMatchObject({ field: 'plan', source: 'central', vintage: 2023 });
    expect(guessColumn(['GN đến 30/9/2023', 'Trong đó: NSĐP'])).toMatchObject({ field: 'disbursed', source: 'local', asOf: '2023-09-30' });
    expect(guessColumn(['Ước TH cả năm 2023 (triệu đồng)'])).toMatchObject({ field: 'expectedAmount', unit: 'trieu' });
    expect(guessColumn(['DT giao năm 2024', 'Vốn ĐTPT'])).toMatchObject({ field: 'plan', capital: 'investment', vintage: 2024 });
    // The required counterpart names the local budget, but the app derives it: not read as money.
    expect(guessColumn(['Đối ứng NSĐP yêu cầu (triệu đồng)']).field).toBe('ignore');
  });
});

describe('titles', () => {
  it.each([
    [['PHÂN BỔ KINH PHÍ THỰC HIỆN TIỂU DỰ ÁN 1 - DỰ ÁN 3 NĂM 2024'], 'DA3.TDA1'],
    [['Phụ lục II', 'Dự án 4, Tiểu dự án 3: Hỗ trợ việc làm bền vững'], 'DA4.TDA3'],
    [['KẾ HOẠCH VỐN DỰ ÁN 2: ĐA DẠNG HÓA SINH KẾ'], 'DA2'],
    [['BIỂU TỔNG HỢP GIẢI NGÂN CHƯƠNG TRÌNH MTQG GIẢM NGHÈO BỀN VỮNG'], null],
    [['Dự án 2 và Dự án 3'], null],
  ])('%j names the item %s', (titles, code) => {
    expect(itemInTitles(titles)).toBe(code);
  });

  it('gives the one capital type and source a title names, none when it names both', () => {
    expect(splitInTitles(['PHÂN BỔ VỐN ĐẦU TƯ PHÁT TRIỂN NGUỒN NGÂN SÁCH TRUNG ƯƠNG NĂM 2024'])).toEqual({ capital: 'investment', source: 'central' });
    expect(splitInTitles(['KINH PHÍ SỰ NGHIỆP NĂM 2024'])).toEqual({ capital: 'recurrent' });
    expect(splitInTitles(['VỐN ĐẦU TƯ PHÁT TRIỂN VÀ VỐN SỰ NGHIỆP'])).toEqual({});
    // An office's name is no capital type.
    expect(splitInTitles(['SỞ KẾ HOẠCH VÀ ĐẦU TƯ', 'BIỂU KẾ HOẠCH VỐN NĂM 2024'])).toEqual({});
  });
});
