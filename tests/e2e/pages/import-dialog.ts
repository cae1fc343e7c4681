// Page object for the import dialog: opened from the toolbar, a file picked through its labelled
// input or dropped on its drop zone, the mapping read through the labelled selects, the preview
// and the summary by their test ids.
import type { Locator, Page } from 'playwright-core';

const MIME: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xls: 'application/vnd.ms-excel',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  csv: 'text/csv',
  json: 'application/json',
};
const mimeOf = (name: string) => MIME[name.split('.').pop() ?? ''] ?? 'application/octet-stream';

export class ImportDialogPage {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: /^(Nhập từ tệp|Import from a file)$/ });
  }

  async open(): Promise<void> {
    await this.page.getByRole('button', { name: /Nhập từ tệp…|Import from file…/ }).click();
    await this.dialog.waitFor();
  }

  /** Picks a file through the dialog's file input, as the file chooser would. */
  async pick(name: string, bytes: Uint8Array): Promise<void> {
    await this.dialog.getByLabel(/Chọn tệp…|Choose a file…/).setInputFiles({ name, mimeType: mimeOf(name), buffer: Buffer.from(bytes) });
  }

  /** Drops a file on the dialog's drop zone, as dragging it from the desktop does. */
  async drop(name: string, bytes: Uint8Array): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ({ name, data, type }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(data)], name, { type }));
        return dt;
      },
      { name, data: [...bytes], type: mimeOf(name) },
    );
    const zone = this.dialog.getByTestId('import-drop');
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
  }

  /** The select holding a column's meaning, by the column's header as the file writes it. */
  meaningOf(header: string): Locator {
    return this.dialog.getByRole('combobox', { name: `Nghĩa của cột ${header}`, exact: true });
  }

  /** The question of what the file leaves unsaid ("Nguồn vốn của các dòng tệp không ghi nguồn"). */
  unsaid(field: 'source' | 'capital'): Locator {
    return this.dialog.getByTestId(`import-unsaid-${field}`);
  }

  get preview(): Locator {
    return this.dialog.getByTestId('import-preview');
  }

  get summary(): Locator {
    return this.dialog.getByTestId('import-summary');
  }

  /** The column mapping: one row per column of the file. */
  get mapping(): Locator {
    return this.dialog.getByRole('region', { name: /^(Ghép cột|Column mapping)$/ });
  }

  /** The reconciliation: the file's own totals beside what the lines to import add up to. */
  get reconcile(): Locator {
    return this.dialog.getByTestId('import-reconcile');
  }

  get reconcileVerdict(): Locator {
    return this.dialog.getByTestId('import-reconcile-verdict');
  }

  get reconcileRows(): Locator {
    return this.dialog.getByTestId('import-reconcile-row');
  }

  get importButton(): Locator {
    return this.dialog.getByRole('button', { name: /^(Nhập|Nhập \(đánh dấu ô lỗi\)|Import|Import \(mark bad cells\))$/ });
  }

  /** The dialog's one message of why a file could not be read. */
  get problem(): Locator {
    return this.dialog.getByTestId('import-problem-main');
  }

  get progress(): Locator {
    return this.dialog.getByRole('progressbar');
  }

  async close(): Promise<void> {
    await this.dialog.getByRole('button', { name: /^(Huỷ|Cancel)$/ }).click();
    await this.dialog.waitFor({ state: 'hidden' });
  }
}
