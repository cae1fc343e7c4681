// Page object for the checks tab (the plan grid beside the checks panel) and the report tab.
import type { Locator, Page } from 'playwright-core';

export class ChecksPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: /^(Kiểm tra|Checks)$/ }).click();
    await this.panel.waitFor();
  }

  get panel(): Locator {
    return this.page.getByRole('region', { name: /Kiểm tra số liệu|Checks of the figures/ });
  }

  /** An entry of the list by its stable id (kind, target, measure). */
  entry(id: string): Locator {
    return this.panel.getByRole('listitem').and(this.page.locator(`[data-check-id="${id}"]`));
  }

  /** Clicks an entry's sentence: the grid selects its cell. */
  async go(id: string): Promise<void> {
    await this.entry(id)
      .getByRole('button', { name: /Tổng|DA\d|Program/ })
      .click();
  }

  async markReviewed(id: string, note: string): Promise<void> {
    const e = this.entry(id);
    await e.getByRole('button', { name: /Đánh dấu đã xem xét|Mark reviewed/ }).click();
    await e.getByRole('textbox', { name: /Ghi chú xem xét|Review note/ }).fill(note);
    await e.getByRole('button', { name: /^(Lưu|Save)$/ }).click();
  }

  async isReviewed(id: string): Promise<boolean> {
    return ((await this.entry(id).getAttribute('class')) ?? '').split(/\s+/).includes('reviewed');
  }
}

export class ReportPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: /^(Báo cáo|Report)$/ }).click();
    await this.table.waitFor();
  }

  get region(): Locator {
    return this.page.getByRole('region', { name: /Tình hình thực hiện|Implementation of/ });
  }

  get table(): Locator {
    return this.page.getByTestId('report-table');
  }

  get narrative(): Locator {
    return this.page.getByTestId('report-narrative');
  }

  button(name: RegExp): Locator {
    return this.region.getByRole('button', { name });
  }
}
