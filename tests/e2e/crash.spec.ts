// A tab killed right after an edit: once the save indicator says "Đã lưu", the edit is durable;
// reopening shows it and the workbook is intact, and undo still takes the steps back. Repeated, to
// catch the unlucky timing.
import { describe, inject, it } from 'vitest';
import { useBrowser } from './browser';
import { Workbench } from './pages/workbench';

const baseUrl = inject('baseUrl');
const browser = useBrowser();
const TOTAL = 'Tổng cộng chương trình';
const LINE = 'Tập huấn 217 người; giám sát 10 xã';

describe('crashes', () => {
  it('an edit shown as saved survives the tab process being killed, ten times over', async () => {
    const ctx = await browser().newContext({ viewport: { width: 1600, height: 1300 } });
    let page = await ctx.newPage();
    let wb = new Workbench(page);
    await wb.open(baseUrl);
    for (let i = 1; i <= 10; i++) {
      await wb.type(LINE, 'plan', String(278 + i));
      await wb.waitSaved();
      const cdp = await ctx.newCDPSession(page);
      const crashed = page.waitForEvent('crash');
      void cdp.send('Page.crash').catch(() => undefined); // the renderer dies; the call never answers
      await crashed;
      await page.close().catch(() => undefined);
      page = await ctx.newPage();
      wb = new Workbench(page);
      await wb.open(baseUrl);
      await wb.expectText(LINE, 'plan', String(278 + i));
      await wb.expectText(TOTAL, 'plan', (13_819 + i).toLocaleString('vi-VN'));
    }
    // The undo history survived the kills too: the last two steps are taken back, newest first.
    const undo = page.getByRole('button', { name: /Hoàn tác/ });
    await undo.click();
    await wb.expectText(LINE, 'plan', String(278 + 9));
    await undo.click();
    await wb.expectText(LINE, 'plan', String(278 + 8));
    await wb.expectText(TOTAL, 'plan', (13_819 + 8).toLocaleString('vi-VN'));
    await wb.screenshot('undo-after-crash');
    await ctx.close();
  });
});
