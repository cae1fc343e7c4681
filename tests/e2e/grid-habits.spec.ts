// The grid a planner leaves Excel for: a paste, a fill or an allocation never loses or doubles money
// without a word, notices belong to their workbook, and the habits they bring from Excel work.
import { describe, expect, inject, it } from 'vitest';
import { useBrowser } from './browser';
import ExcelJS from 'exceljs';
import { DISBURSEMENT_COLUMNS, download, freshWorkbench, Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const TOTAL = 'Tổng cộng chương trình';
const DA3_TDA1_LINE = 'Khoảng 474 hộ (2022–2023); giải ngân từ nguồn 2022 chuyển sang';
const DA7_TDA2_LINE = 'Tập huấn 217 người; giám sát 10 xã';

const browser = useBrowser();

const freshPage = () => freshWorkbench(browser(), baseUrl, '?debug');

describe('paste and fill', () => {
  it('a paste across item rows names each value it could not write, and can put them in the next lines instead', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.paste(DA3_TDA1_LINE, 'plan', '3.600\r\n180\r\n999\r\n77\r\n');
    // The values on lines land; the two that fell on item rows are named, with the row and why.
    await wb.expectText('DA3.TDA1', 'plan', '3.600');
    await wb.expectText('DA3.TDA2', 'plan', '999');
    const notice = wb.notice;
    await expect.poll(() => notice.textContent()).toContain('Không dán được 2 giá trị');
    const said = (await notice.textContent()) ?? '';
    expect(said).toContain('"180" vào DA3.TDA2');
    expect(said).toContain('"77" vào DA4');
    expect(said).toContain('dòng tổng hợp');
    await wb.screenshot('50-paste-across-items');
    // "Paste into the next lines": the same four values on the four lines from there, one undo step.
    await notice.getByRole('button', { name: /Dán vào các dòng chi tiết/ }).click();
    await wb.expectText('DA3.TDA1', 'plan', '3.600');
    await wb.expectText('DA3.TDA2', 'plan', '180');
    await wb.expectText('DA4.TDA1', 'plan', '999');
    await wb.expectText('DA6.TDA1', 'plan', '77');
    await wb.expectText(TOTAL, 'plan', '11.322');
    await wb.screenshot('51-paste-into-lines');
    await wb.select('DA3.TDA1', 'plan');
    await page.keyboard.press('Control+z');
    await wb.expectText('DA3.TDA1', 'plan', '2.398');
    await wb.expectText('DA3.TDA2', 'plan', '566');
    await wb.expectText('DA4.TDA1', 'plan', '2.148');
    await wb.expectText(TOTAL, 'plan', '13.819');
    await ctx.close();
  });

  it('a paste past the last line offers to add lines, and adds them as the same undo step', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.paste(DA7_TDA2_LINE, 'plan', '10\r\n20\r\n30\r\n');
    await wb.expectText('DA7.TDA2', 'plan', '10');
    await expect.poll(() => wb.notice.textContent()).toContain('2 dòng đã dán nằm sau dòng cuối');
    await wb.notice.getByRole('button', { name: 'Thêm 2 dòng rồi dán' }).click();
    await wb.expectText('DA7.TDA2', 'plan', '60');
    await wb.expectText(TOTAL, 'plan', String(13819 - 278 + 60).replace(/\B(?=(\d{3})+$)/g, '.'));
    await page.keyboard.press('Control+z');
    await wb.expectText('DA7.TDA2', 'plan', '278');
    await wb.expectText(TOTAL, 'plan', '13.819');
    await ctx.close();
  });

  it('Ctrl+D fills down over lines and names the item rows it passed', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.select(DA3_TDA1_LINE, 'expected');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Control+d');
    // The line of DA3.TDA2 takes DA3.TDA1's 100 %; DA3.TDA2 and DA4 are item rows: said, not written.
    await expect.poll(() => wb.notice.textContent()).toContain('Không dán được');
    expect(await wb.notice.textContent()).toContain('"100,00 %" vào DA3.TDA2');
    await wb.expectText('DA3.TDA2', 'projected', '566');
    await ctx.close();
  });
});

describe('the notice bar', () => {
  it('drops a refusal once a later edit lands, and never carries it into another workbook', async () => {
    const { ctx, wb } = await freshPage();
    await wb.type(DA7_TDA2_LINE, 'plan', 'abc');
    await expect.poll(() => wb.notice.textContent()).toContain('Không đọc được');
    await wb.type(DA7_TDA2_LINE, 'disbursed', '100');
    await wb.expectText('DA7.TDA2', 'disbursed', '100');
    await expect.poll(() => wb.notice.textContent()).toBe('');
    // A refusal in this workbook, then another workbook opened: the notice stays behind.
    await wb.type(DA7_TDA2_LINE, 'plan', 'abc');
    await expect.poll(() => wb.notice.textContent()).toContain('Không đọc được');
    await wb.openGenerated(20);
    await expect.poll(() => wb.notice.textContent()).toBe('');
    await ctx.close();
  });
});

describe('negative amounts', () => {
  it('a negative plan is kept as an adjustment but said at once, shows no rate, and is listed in the checks; a negative rate is refused', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.type(DA7_TDA2_LINE, 'plan', '-20');
    await wb.expectText(DA7_TDA2_LINE, 'plan', '-20');
    await expect.poll(() => wb.notice.textContent()).toContain('Đã giữ 1 số âm: -20');
    expect(await wb.text(DA7_TDA2_LINE, 'rate')).toBe('');
    await wb.type(DA7_TDA2_LINE, 'expected', '-5');
    await expect.poll(() => wb.notice.textContent()).toContain('không được âm');
    await wb.expectText(DA7_TDA2_LINE, 'expected', '90,00 %');
    await page.getByRole('tab', { name: 'Kiểm tra' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('kế hoạch vốn là số âm (-20 triệu đồng)');
    await ctx.close();
  });
});

describe('the program tree', () => {
  it('asks before renaming a program item; Cancel keeps the name, OK renames it as one undo step', async () => {
    const { ctx, page, wb } = await freshPage();
    const name = 'Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng';
    await expect.poll(() => wb.text('DA3', 'name')).toBe(name);
    let asked = '';
    page.once('dialog', (d) => ((asked = d.message()), void d.dismiss()));
    await wb.type('DA3', 'name', 'x');
    await expect.poll(() => asked).toContain(`DA3: "${name}" → "x"`);
    await expect.poll(() => wb.notice.textContent()).toContain('Giữ nguyên tên/mã của 1 mục');
    expect(await wb.text('DA3', 'name')).toBe(name);
    page.once('dialog', (d) => void d.accept());
    await wb.type('DA3', 'name', 'Sản xuất và dinh dưỡng');
    await wb.expectText('DA3', 'name', 'Sản xuất và dinh dưỡng');
    await page.keyboard.press('Control+z');
    await wb.expectText('DA3', 'name', name);
    await ctx.close();
  });
});

describe('the context menu', () => {
  it('is all in the interface language', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.select(DA7_TDA2_LINE, 'plan');
    await wb.cell(DA7_TDA2_LINE, 'plan').click({ button: 'right' });
    const menu = page.locator('.htContextMenu:visible');
    await menu.waitFor();
    const items = (await menu.locator('td').allTextContents()).map((s) => s.trim()).filter(Boolean);
    await wb.screenshot('54-context-menu');
    expect(items).toContain('Sao chép (Ctrl+C)');
    expect(items).toContain('Cắt (Ctrl+X)');
    expect(items.join(' | ')).not.toMatch(/\b(Copy|Cut|Paste|Undo|Redo|Insert|Remove|Clear)\b/);
    await ctx.close();
  });
});

describe('numbers as offices read them', () => {
  it('shows at most 3 decimals in triệu by default, the exact figure on hover and when editing, and every decimal when asked', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.expectText('DA2', 'requiredLocal', '94,043');
    expect(await wb.cell('DA2', 'requiredLocal').getAttribute('title')).toContain('94,0428');
    // Editing shows the exact amount, so Enter on an untouched cell changes nothing.
    await wb.type(DA7_TDA2_LINE, 'plan', '278,1234');
    await wb.expectText(DA7_TDA2_LINE, 'plan', '278,123');
    expect(await wb.cell(DA7_TDA2_LINE, 'plan').getAttribute('title')).toBe('Số chính xác: 278,1234');
    await wb.select(DA7_TDA2_LINE, 'plan');
    await page.keyboard.press('F2');
    expect(await page.locator('.handsontableInputHolder textarea').inputValue()).toBe('278,1234');
    await page.keyboard.press('Enter');
    await page.getByTestId('max-decimals').selectOption('all');
    await wb.expectText(DA7_TDA2_LINE, 'plan', '278,1234');
    await wb.expectText('DA2', 'requiredLocal', '94,0428');
    await ctx.close();
  });
});

describe('selection summary', () => {
  it('shows the sum, count and average of the amounts selected, in the grid unit, and warns when roll-ups and lines are mixed', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.select('06 lớp, khoảng 1.268 cộng tác viên', 'plan');
    await page.keyboard.press('Shift+ArrowRight');
    const bar = page.getByTestId('selection-sum');
    await expect.poll(() => bar.textContent()).toContain('Tổng: 840');
    expect(await bar.textContent()).toContain('Số ô: 2');
    expect(await bar.textContent()).toContain('Trung bình: 420');
    expect(await bar.textContent()).toContain('triệu đồng');
    expect(await bar.textContent()).not.toContain('tính trùng');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    // 520 + 320, DA7.TDA2 278 + 122 and its line 278 + 122: the roll-up and its line both counted.
    await expect.poll(() => bar.textContent()).toContain('Tổng: 1.640');
    expect(await bar.textContent()).toContain('tính trùng');
    await wb.screenshot('55-selection-sum');
    await ctx.close();
  });
});

describe('find and replace', () => {
  it('Ctrl+F finds across items, descriptions and units (opening a collapsed item), and each replacement is undoable', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.cell('DA7', 'code').locator('.pb-toggle').click();
    await expect.poll(() => wb.row('DA7.TDA1').count()).toBe(0);
    await wb.select('DA2', 'plan');
    await page.keyboard.press('Control+f');
    const find = page.getByTestId('find-input');
    await expect.poll(() => find.evaluate((el) => el === document.activeElement)).toBe(true);
    await find.fill('giám sát');
    await expect.poll(() => page.getByTestId('find-bar').textContent()).toContain('3 ô khớp');
    await find.press('Enter');
    // DA7 opens and its name is the first match, selected while the keyboard stays in the find box.
    await expect.poll(() => wb.cell('DA7', 'name').getAttribute('class')).toContain('current');
    await find.press('Enter');
    await expect.poll(() => wb.cell('DA7.TDA2', 'name').getAttribute('class')).toContain('current');
    await find.press('Enter');
    await expect.poll(() => wb.cell(DA7_TDA2_LINE, 'name').getAttribute('class')).toContain('current');
    await find.press('Shift+Enter');
    await expect.poll(() => wb.cell('DA7.TDA2', 'name').getAttribute('class')).toContain('current');
    await wb.screenshot('56-find');
    // Replace in the line's unit: Phòng LĐ-TB&XH-DT → Phòng Lao động (three lines), one undo step.
    await find.fill('LĐ-TB&XH-DT');
    await page.getByTestId('replace-input').fill('Lao động - TB&XH');
    await page.getByRole('button', { name: 'Thay tất cả' }).click();
    await expect.poll(() => wb.notice.textContent()).toContain('Đã thay trong 3 ô');
    await wb.expectText(DA7_TDA2_LINE, 'unit', 'Phòng Lao động - TB&XH');
    await page.getByTestId('find-input').press('Escape');
    await page.keyboard.press('Control+z');
    await wb.expectText(DA7_TDA2_LINE, 'unit', 'Phòng LĐ-TB&XH-DT');
    await ctx.close();
  });
});

describe('sort and filter', () => {
  it('filters lines keeping their path, says the totals are of the whole program, sorts within items, and keeps both after a reload', async () => {
    const { ctx, page, wb } = await freshPage();
    await page.getByTestId('filter-key').selectOption({ label: 'Kế hoạch' });
    await page.getByTestId('filter-op').selectOption({ label: '>' });
    await page.getByTestId('filter-value').fill('2.000');
    await page.getByTestId('filter-value').press('Enter');
    // Lines over 2.000: DA2's 5.436, DA3.TDA1's 2.398, DA4.TDA1's 2.148, DA6.TDA1's 2.241, each under its item.
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('hiện 4/8 dòng');
    expect(await page.getByTestId('filter-status').textContent()).toContain('kế hoạch các dòng đang hiện 12.223');
    await expect.poll(() => wb.row('DA7').count()).toBe(0);
    expect(await wb.row('DA3.TDA1').count()).toBe(1);
    expect(await wb.row('DA3.TDA2').count()).toBe(0);
    const total = 'Tổng cộng chương trình (mọi dòng, cả dòng đang lọc ẩn)';
    await wb.expectText(total, 'plan', '13.819');
    // Sorted by plan, descending: DA2 (5.436) first among the projects, then DA3 (2.964).
    await page.getByTestId('sort-key').selectOption({ label: 'Kế hoạch' });
    await page.getByTestId('sort-dir').selectOption({ label: 'giảm dần' });
    const codes = async () =>
      (await page.locator('.ht_clone_inline_start tbody tr td:first-child').allTextContents()).map((x) => x.replace(/^[▾▸]/, '').trim()).filter(Boolean);
    await expect.poll(async () => (await codes()).slice(0, 3)).toEqual(['DA2', 'DA3', 'DA3.TDA1']);
    await wb.screenshot('57-sort-filter');
    await page.reload();
    await wb.waitReady();
    await expect.poll(() => page.getByTestId('filter-status').textContent()).toContain('hiện 4/8 dòng');
    expect((await codes()).slice(0, 3)).toEqual(['DA2', 'DA3', 'DA3.TDA1']);
    await page.getByRole('button', { name: 'Bỏ sắp xếp và lọc' }).click();
    await wb.expectText('Tổng cộng chương trình', 'plan', '13.819');
    await expect.poll(() => wb.row('DA7').count()).toBe(1);
    await ctx.close();
  });
});

describe('column widths and hidden columns', () => {
  it('a widened column and a hidden one stay so after a reload, for this workbook', async () => {
    const { ctx, page, wb } = await freshPage();
    const header = (name: string) => page.locator('.ht_clone_top thead th').filter({ hasText: name }).first();
    const before = (await header('Đơn vị thực hiện').boundingBox())!;
    await page.mouse.move(before.x + before.width - 3, before.y + before.height / 2);
    const handle = page.locator('.manualColumnResizer').first();
    await handle.waitFor();
    const h = (await handle.boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + h.width / 2 + 120, h.y + h.height / 2, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => (await header('Đơn vị thực hiện').boundingBox())!.width).toBeGreaterThan(before.width + 100);
    const widened = (await header('Đơn vị thực hiện').boundingBox())!.width;
    await wb.select(DA7_TDA2_LINE, 'asOf');
    await wb.cell(DA7_TDA2_LINE, 'asOf').click({ button: 'right' });
    await page.locator('.htContextMenu:visible td', { hasText: 'Ẩn cột' }).click();
    await expect.poll(() => header('Đến ngày').count()).toBe(0);
    await page.reload();
    await wb.waitReady();
    await expect.poll(async () => Math.round((await header('Đơn vị thực hiện').boundingBox())!.width)).toBe(Math.round(widened));
    expect(await header('Đến ngày').count()).toBe(0);
    await wb.screenshot('58-widths-after-reload');
    // By keyboard: the menu's "Độ rộng cột…" takes a width in pixels, kept like a dragged one.
    await wb.select(DA7_TDA2_LINE, 'plan');
    page.once('dialog', (d) => void d.accept('180'));
    await page.keyboard.press('Shift+F10');
    await page.locator('.htContextMenu:visible td', { hasText: 'Độ rộng cột…' }).click();
    await expect.poll(async () => Math.round((await header('Kế hoạch').boundingBox())!.width)).toBe(180);
    await wb.cell(DA7_TDA2_LINE, 'plan').click({ button: 'right' });
    await page.locator('.htContextMenu:visible td', { hasText: 'Hiện mọi cột' }).click();
    await expect.poll(() => header('Đến ngày').count()).toBe(1);
    await ctx.close();
  });
});

describe('moving lines', () => {
  it('"Chuyển đến…" moves a line with its money to another item, by keyboard, as one undo step', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.select(DA7_TDA2_LINE, 'plan');
    await page.keyboard.press('Alt+m');
    const dialog = page.getByTestId('move-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const options = await dialog.locator('option').allTextContents();
    await page.getByTestId('move-target').selectOption({ label: options.find((o) => o.trim().startsWith('DA6.TDA2'))! });
    await page.screenshot({ path: 'test-results/59-move-lines.png' });
    await page.getByTestId('move-target').press('Enter');
    await expect.poll(() => wb.notice.textContent()).toContain('Đã chuyển 1 dòng đến DA6.TDA2');
    await wb.expectText('DA6.TDA2', 'plan', '510');
    await wb.expectText('DA7.TDA2', 'plan', '0');
    await wb.expectText('Tổng cộng chương trình', 'plan', '13.819');
    await page.keyboard.press('Control+z');
    await wb.expectText('DA6.TDA2', 'plan', '232');
    await wb.expectText('DA7.TDA2', 'plan', '278');
    await ctx.close();
  });
});

describe('notes on cells', () => {
  it('a note written by keyboard shows on hover, in the checks tab, survives a reload and is in the exported .xlsx', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.select(DA7_TDA2_LINE, 'plan');
    await page.keyboard.press('Shift+F2');
    await page.getByTestId('note-text').fill('Theo QĐ 123/QĐ-UBND ngày 05/9');
    await page.screenshot({ path: 'test-results/60-note-dialog.png' });
    await page.getByTestId('note-text').press('Control+Enter');
    await expect.poll(() => wb.cell(DA7_TDA2_LINE, 'plan').getAttribute('title')).toContain('Ghi chú: Theo QĐ 123/QĐ-UBND ngày 05/9');
    expect(await wb.cell(DA7_TDA2_LINE, 'plan').getAttribute('class')).toContain('pb-note');
    await wb.waitSaved();
    await page.reload();
    await wb.waitReady();
    await expect.poll(() => wb.cell(DA7_TDA2_LINE, 'plan').getAttribute('title')).toContain('Theo QĐ 123/QĐ-UBND ngày 05/9');
    const xlsx = await download(page, () => page.getByTestId('export-xlsx').click());
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(xlsx.bytes).buffer);
    const notes: string[] = [];
    book.worksheets[0].eachRow((row) =>
      row.eachCell((c) => {
        const n = c.note as string | { texts: { text: string }[] } | undefined;
        if (n) notes.push(`${row.getCell(2).value} → ${typeof n === 'string' ? n : n.texts.map((x) => x.text).join('')}`);
      }),
    );
    expect(notes).toEqual([`${DA7_TDA2_LINE} → Theo QĐ 123/QĐ-UBND ngày 05/9`]);
    await page.getByRole('tab', { name: 'Kiểm tra' }).click();
    await expect.poll(() => page.getByTestId('cell-notes').textContent()).toContain('Theo QĐ 123/QĐ-UBND ngày 05/9');
    expect(await page.getByTestId('cell-notes').textContent()).toContain('DA7.TDA2 · Tập huấn 217 người; giám sát 10 xã · Kế hoạch');
    await wb.screenshot('61-notes-in-checks');
    await ctx.close();
  });
});

describe('the office and the report heading', () => {
  it('a new workbook is given its province and district; its report carries the heading and signatures of an administrative document, editable, on A4', async () => {
    const { ctx, page } = await freshPage();
    await page.getByRole('button', { name: /Sổ kế hoạch/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Tên sổ mới').fill('Đình Lập 2025');
    await page.getByTestId('new-province').fill('Lạng Sơn');
    await page.getByTestId('new-district').fill('Đình Lập');
    await dialog.getByRole('button', { name: 'Tạo' }).click();
    await expect.poll(() => page.getByTestId('workbook-name').textContent()).toBe('Đình Lập 2025');
    await expect.poll(() => page.locator('header .place').textContent()).toBe('Huyện Đình Lập, tỉnh Lạng Sơn');
    await page.getByRole('tab', { name: 'Báo cáo' }).click();
    const head = page.getByTestId('doc-head');
    await expect.poll(() => head.textContent()).toContain('ỦY BAN NHÂN DÂN HUYỆN ĐÌNH LẬP');
    expect(await head.textContent()).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(await head.textContent()).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(await head.textContent()).toContain('Đình Lập, ngày');
    // The signature block, edited in the report tab: a change is one undo step.
    await page.getByTestId('office-form').locator('summary').click();
    await page.locator('[data-field="signerTitle"]').fill('KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH');
    await page.locator('[data-field="signerName"]').fill('Hoàng Văn A');
    await page.locator('[data-field="compiler"]').fill('Lý Thị B');
    await page.locator('[data-field="date"]').fill('20/12/2024');
    await page.locator('[data-field="date"]').press('Tab');
    const sign = page.getByTestId('doc-sign');
    await expect.poll(() => sign.textContent()).toContain('Hoàng Văn A');
    expect(await sign.textContent()).toContain('PHÓ CHỦ TỊCH');
    expect(await sign.textContent()).toContain('NGƯỜI LẬP BIỂU');
    await expect.poll(() => head.textContent()).toContain('Đình Lập, ngày 20 tháng 12 năm 2024');
    await page.locator('[data-field="date"]').fill('31/02/2024');
    await page.locator('[data-field="date"]').press('Tab');
    await expect.poll(() => page.getByTestId('office-form').textContent()).toContain('không đọc được');
    // As printed on A4: the document only, heading first.
    await page.setViewportSize({ width: 1123, height: 794 });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: 'test-results/62-report-heading-a4.png' });
    expect(await page.getByTestId('office-form').isVisible()).toBe(false);
    expect(await head.isVisible()).toBe(true);
    await ctx.close();
  });
});

describe('drop-down editors', () => {
  it('open on the current value, wide enough to read, and go to what the user types', async () => {
    const { ctx, page, wb } = await freshPage();
    await wb.select(DA7_TDA2_LINE, 'capital');
    await page.keyboard.press('Enter');
    const list = page.locator('.autocompleteEditor:visible');
    await list.waitFor();
    // The current value is the one highlighted.
    await expect.poll(() => list.locator('td.current').textContent()).toBe('Sự nghiệp');
    const cellWidth = (await wb.cell(DA7_TDA2_LINE, 'capital').boundingBox())!.width;
    expect((await list.boundingBox())!.width).toBeGreaterThanOrEqual(cellWidth);
    await page.keyboard.press('Escape');
    await wb.select(DA7_TDA2_LINE, 'source');
    // Typing marks the choices it matches and goes to the first: "ns" → NSTW and NSĐP, on NSTW.
    await page.keyboard.type('ns');
    await expect.poll(() => list.locator('td strong').allTextContents()).toEqual(['NS', 'NS']);
    await expect.poll(() => list.locator('td.current').textContent()).toBe('NSTW');
    await page.screenshot({ path: 'test-results/63-dropdown-typing.png' });
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => list.locator('td.current').textContent()).toBe('NSĐP');
    await page.keyboard.press('Enter');
    await wb.expectText(DA7_TDA2_LINE, 'source', 'NSĐP');
    await page.keyboard.press('Control+z');
    await wb.expectText(DA7_TDA2_LINE, 'source', 'NSTW');
    await ctx.close();
  });
});

describe('the disbursement tab', () => {
  it('fits a screen: the twelve months fold into their sum, unfold with the as-of month in view, and stay as left after a reload', async () => {
    const { ctx, page, wb } = await freshPage();
    await page.getByRole('tab', { name: 'Giải ngân & chuyển nguồn' }).click();
    await wb.waitReady();
    const dw = new Workbench(page, DISBURSEMENT_COLUMNS);
    const header = (name: string) => page.locator('.ht_clone_top thead th').filter({ hasText: new RegExp(`^${name}$`) });
    await dw.reveal('monthsTotal');
    await expect.poll(() => header('GN các tháng \\(cộng\\)').count()).toBe(1);
    expect(await header('GN T1').count()).toBe(0);
    await wb.expectText('Tổng cộng chương trình', 'plan', '13.819');
    await page.screenshot({ path: 'test-results/64-disbursement-folded.png' });
    await page.getByTestId('fold-months').click();
    await expect.poll(() => header('GN T11').count()).toBe(1);
    expect(await header('GN các tháng \\(cộng\\)').count()).toBe(0);
    // The code and description stay frozen at the left while the months are in view.
    expect(await page.locator('.ht_clone_inline_start thead th').allTextContents()).toEqual(['Mã', 'Nội dung']);
    await page.screenshot({ path: 'test-results/65-disbursement-months.png' });
    await page.reload();
    await wb.waitReady();
    await page.getByRole('tab', { name: 'Giải ngân & chuyển nguồn' }).click();
    await expect.poll(() => page.getByTestId('fold-months').getAttribute('aria-pressed')).toBe('true');
    await ctx.close();
  });
});
