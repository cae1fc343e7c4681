// Page object for the compare view: its pickers by their labels, and its read-only grid through the
// workbench page object (rows by code or description, cells by column key).
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { Workbench } from './workbench';

export type CompareMeasureKey = 'plan' | 'projected' | 'carryOver' | 'lapse' | 'requiredLocal' | 'disbursed';

/** Column keys of the compare grid for the measures shown and the number of scenarios (as the view lays them out). */
export function compareColumnKeys(measures: CompareMeasureKey[], scenarios: number): string[] {
  const keys = ['code', 'name'];
  for (const m of measures) for (let s = 0; s < scenarios; s++) keys.push(...(s === 0 ? [`${m}:0`] : [`${m}:${s}`, `${m}:d${s}`, `${m}:p${s}`]));
  return keys;
}

export class ComparePage {
  readonly grid: Workbench;

  constructor(
    readonly page: Page,
    measures: CompareMeasureKey[] = ['plan', 'projected'],
    scenarios = 2,
  ) {
    this.grid = new Workbench(page, compareColumnKeys(measures, scenarios));
  }

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'So sánh' }).click();
    await this.waitReady();
  }

  /** Waits until the comparison asked for last is on screen. */
  async waitReady(): Promise<void> {
    await expect.poll(() => this.status.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    await this.grid.row('Tổng cộng chương trình').first().waitFor();
  }

  get status(): Locator {
    return this.page.getByTestId('cmp-status');
  }

  /** The scenario picker of a slot (0 = the reference). */
  scenario(slot: number): Locator {
    return this.page.getByTestId(`cmp-scenario-${slot}`);
  }

  async pick(slot: number, name: string | RegExp): Promise<void> {
    const select = this.scenario(slot);
    const option = (await select.locator('option').allTextContents()).find((o) => (typeof name === 'string' ? o === name : name.test(o)));
    if (!option) throw new Error(`no scenario ${name} in slot ${slot}`);
    await select.selectOption({ label: option });
    await this.waitReady();
  }

  /** The text of a cell, as the grid shows it. */
  async text(rowText: string, col: string): Promise<string> {
    return ((await this.grid.cell(rowText, col).textContent()) ?? '').trim();
  }

  /** Waits until a cell reads the expected text. */
  async expectText(rowText: string, col: string, want: string): Promise<void> {
    await expect.poll(() => this.text(rowText, col), { timeout: 10_000 }).toBe(want);
  }

  /** The codes (or, for lines, the descriptions) of the rows shown, in order. */
  async rowNames(): Promise<string[]> {
    return this.page.evaluate(() => {
      // The frozen columns' overlay holds every row drawn, the total fixed at the bottom included.
      const rows = [...document.querySelectorAll('[data-testid="cmp-grid"] .ht_clone_inline_start tbody tr')];
      return rows.map((tr) => {
        const [code, name] = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '');
        return code || name;
      });
    });
  }
}
