// Page object for the workbench: finds grid rows by what a user reads in them (a code such as
// "DA7.TDA2", a line's description, the total's label) and cells by their column header.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export const COLUMNS = [
  'code',
  'name',
  'unit',
  'source',
  'capital',
  'vintage',
  'plan',
  'disbursed',
  'asOf',
  'rate',
  'expected',
  'projected',
  'unspent',
  'requiredLocal',
  'statedPlan',
  'delta',
] as const;
export type ColumnKey = (typeof COLUMNS)[number];

/** The disbursement tab's columns, in order. */
export const DISBURSEMENT_COLUMNS = [
  'code',
  'name',
  'unit',
  'source',
  'capital',
  'vintage',
  'plan',
  'carriedIn',
  'ownPlan',
  'disbursed',
  'asOf',
  'rate',
  'method',
  'expected',
  'projected',
  'runRate',
  'unspent',
  'carryEligible',
  'carryOver',
  'lapse',
  'deadline',
  'carryConfirmed',
  'flags',
  'monthsTotal',
  ...Array.from({ length: 13 }, (_, i) => `m${i + 1}`),
] as const;

/** A new browser context on the app, as a first visit sees it (the demo workbook). */
export async function freshWorkbench(browser: Browser, baseUrl: string, query = ''): Promise<{ ctx: BrowserContext; page: Page; wb: Workbench }> {
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 1300 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const wb = new Workbench(page);
  await wb.open(baseUrl, query);
  return { ctx, page, wb };
}

export class Workbench {
  constructor(
    readonly page: Page,
    readonly columns: readonly string[] = COLUMNS,
  ) {}

  async open(baseUrl: string, query = ''): Promise<void> {
    await this.page.goto(baseUrl + query);
    await this.waitReady();
  }

  /** Waits until the grid shows the program total with computed figures. */
  /** Generates a workbook of `lines` lines (the page opened with ?debug), opens it and waits for it. */
  async openGenerated(lines: number): Promise<void> {
    await this.page.evaluate(async (n) => {
      const pb = (globalThis as unknown as { planbench: { generate(n: number): Promise<string>; open(id: string): Promise<void> } }).planbench;
      await pb.open(await pb.generate(n));
    }, lines);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await this.page
      .locator('.ht_clone_bottom td', { hasText: /Tổng cộng chương trình|Program total/ })
      .first()
      .waitFor();
    await this.page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('.ht_master td, .ht_clone_bottom td')];
      return cells.length > 0 && !cells.some((c) => c.textContent === '…');
    });
  }

  get notice(): Locator {
    return this.page.getByTestId('notice');
  }

  /**
   * The grid row (as the frozen first two columns show it) whose code or description reads exactly
   * `text`. Handsontable draws the frozen columns and the fixed total row in overlays and renders
   * only the columns in view, so data cells are found by their ARIA row and column indices.
   */
  row(text: string): Locator {
    return this.page.locator(`xpath=${frozenRowXPath(text)}`);
  }

  cell(rowText: string, col: ColumnKey | string): Locator {
    const i = this.columns.indexOf(col);
    if (i < 0) throw new Error(`no column ${col}`);
    if (i < 2)
      return this.row(rowText)
        .first()
        .locator(`td[aria-colindex="${i + 1}"]`);
    const dataRows = `//div[contains(@class,'ht_master') or contains(concat(' ', @class, ' '), ' ht_clone_bottom ')]//tbody/tr`;
    return this.page.locator(`xpath=(${dataRows}[@aria-rowindex = (${frozenRowXPath(rowText)})/@aria-rowindex]/td[@aria-colindex='${i + 1}'])[1]`);
  }

  /**
   * Scrolls the grid sideways until a column is drawn (Handsontable draws only the columns in view).
   * Needs the page opened with ?debug; without it, only the columns in view can be read.
   */
  async reveal(col: ColumnKey | string): Promise<void> {
    const i = this.columns.indexOf(col);
    if (i < 2) return;
    await this.page.evaluate((c) => {
      const hot = (globalThis as { planbench?: { hot(): { scrollViewportTo(o: object): boolean; render(): void } | undefined } }).planbench?.hot();
      if (hot) hot.scrollViewportTo({ col: c, horizontalSnap: 'start' });
    }, i);
  }

  async text(rowText: string, col: ColumnKey | string): Promise<string> {
    await this.reveal(col);
    return ((await this.cell(rowText, col).textContent()) ?? '').replace(/^[▾▸]/, '').trim();
  }

  /**
   * Clicks a cell and waits until the grid shows it as the selected cell. Handsontable reuses its
   * table cells when it scrolls, so a click that scrolled the grid on its way can land on the row
   * that now occupies the same spot; then the cell is clicked again, as a user would.
   */
  async select(rowText: string, col: ColumnKey | string): Promise<void> {
    await this.reveal(col);
    const cell = this.cell(rowText, col);
    const isCurrent = async () => ((await cell.getAttribute('class')) ?? '').split(/\s+/).includes('current');
    for (let attempt = 1; ; attempt++) {
      await cell.click();
      try {
        await expect.poll(isCurrent, { timeout: 2_000 }).toBe(true);
        break;
      } catch (e) {
        if (attempt === 3) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
    // A second click on the same cell soon after the first is a double-click, which opens the editor
    // on the old value; Escape closes it unchanged, as a user would.
    await this.page.keyboard.press('Escape');
  }

  /** Selects a cell, types a value as a user would, and confirms with Enter. */
  async type(rowText: string, col: ColumnKey | string, value: string): Promise<void> {
    await this.select(rowText, col);
    await this.page.keyboard.type(value);
    await this.page.keyboard.press('Enter');
  }

  /** Pastes tab-separated text into the grid at a cell, as Excel puts it on the clipboard. */
  async paste(rowText: string, col: ColumnKey | string, tsv: string): Promise<void> {
    await this.select(rowText, col);
    await this.page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', text);
      const target = document.activeElement ?? document.body;
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, tsv);
  }

  /** Waits until a cell reads the expected text. */
  async expectText(rowText: string, col: ColumnKey | string, want: string): Promise<void> {
    await expect.poll(() => this.text(rowText, col), { timeout: 10_000 }).toBe(want);
  }

  /** Waits until every edit is in IndexedDB (the save indicator says so). */
  async waitSaved(): Promise<void> {
    await this.page
      .getByTestId('save-status')
      .filter({ hasText: /Đã lưu|Saved/ })
      .waitFor();
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/${name}.png` });
  }
}

/** Rows of the frozen overlays (first two columns, and the total row's corner) showing `text`. */
function frozenRowXPath(text: string): string {
  const lit = `'${text}'`;
  const frozen = `//div[contains(@class,'ht_clone_inline_start') or contains(@class,'ht_clone_bottom_inline_start_corner')]//tbody/tr`;
  return `${frozen}[td[normalize-space(.)=${lit} or normalize-space(.)=concat('▾', ${lit}) or normalize-space(.)=concat('▸', ${lit})]]`;
}

/** What a click saves as a download: its suggested name and its bytes. */
export async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const saved = page.waitForEvent('download');
  await click();
  const d = await saved;
  const chunks: Buffer[] = [];
  for await (const chunk of await d.createReadStream()) chunks.push(chunk as Buffer);
  return { name: d.suggestedFilename(), bytes: Buffer.concat(chunks) };
}
