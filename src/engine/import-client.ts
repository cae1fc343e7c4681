// Typed client of the import worker. Latest wins: a new read cancels the one in flight, which then
// resolves as null, so the dialog never shows a stale reading. The file's bytes are copied once
// and transferred; progress comes back through a proxied callback; lines come in pages so no
// single message takes the main thread long. Falls back to the main thread if the worker cannot run.

import * as Comlink from 'comlink';
import { fail, ok, type Result } from '../domain/model';
import type { ImportedLine, WorkbookContext } from '../io/import-plan';
import type { ImportCallOptions } from '../io/import-service';
import type { ImportApi, ImportSummary } from './import-core';

export type { ImportSummary } from './import-core';

/** Lines a page carries: about 5 ms to clone. */
export const LINE_PAGE = 5000;

/** A finished read: its id (to fetch its lines) and its summary or problem. */
export interface ImportRead {
  id: string;
  result: Result<ImportSummary>;
}

export class ImportClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<ImportApi> | null = null;
  private local: ImportApi | null = null;
  /** Rejects when the worker fails, so no call waits forever on a dead worker. */
  private failed: Promise<never> = new Promise(() => {});
  private seq = 0;
  private current: string | null = null;
  /** Where reads run: shown in diagnostics and checked by the tests. */
  mode: 'worker' | 'main-thread' = 'worker';

  constructor(useWorker = typeof Worker !== 'undefined') {
    if (!useWorker) {
      this.fallBack();
      return;
    }
    try {
      const worker = new Worker(new URL('../../workers/import.worker.ts', import.meta.url), { type: 'module' });
      this.worker = worker;
      this.remote = Comlink.wrap<ImportApi>(worker);
      this.failed = new Promise((_, reject) => worker.addEventListener('error', (e) => reject(e), { once: true }));
      this.failed.catch(() => this.fallBack());
    } catch {
      this.fallBack();
    }
  }

  /**
   * Reads a file (see io/import-plan readImport) and keeps the reading for `lines`. Cancels any
   * read still running; resolves to null when a newer read or cancel() superseded this one.
   * Progress goes from 0 to IMPORT_PROGRESS_TOTAL.
   */
  async read(
    bytes: ArrayBuffer | Uint8Array,
    fileName: string,
    context: WorkbookContext,
    options: ImportCallOptions = {},
    onProgress?: (done: number, total: number) => void,
  ): Promise<ImportRead | null> {
    if (this.current) this.cancel();
    const id = `read-${++this.seq}`;
    this.current = id;
    const result = await this.call((api) => {
      if (api !== this.remote) return api.read(id, bytes, fileName, context, options, onProgress);
      // The caller keeps its bytes (to read again under another mapping): the worker gets a copy, moved.
      const copy = (bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).slice();
      return this.remote!.read(id, Comlink.transfer(copy, [copy.buffer]), fileName, context, options, onProgress ? Comlink.proxy(onProgress) : undefined);
    });
    if (this.current !== id) {
      void this.release(id);
      return null;
    }
    this.current = null;
    return { id, result };
  }

  /** Stops the read in flight (it resolves as null); the workbook is never touched by a read. */
  cancel(): void {
    const id = this.current;
    this.current = null;
    if (id) void this.call((api) => api.cancel(id)).catch(() => false);
  }

  /** Every line of a finished read, page by page (`onPage(done, total)` after each); fails with
   * import.worker-failed when the worker stopped and its reading is gone (read again). */
  async lines(read: ImportRead, onPage?: (done: number, total: number) => void): Promise<Result<ImportedLine[]>> {
    const total = read.result.ok ? read.result.value.result.lineCount : 0;
    const out: ImportedLine[] = [];
    for (let from = 0; from < total; from += LINE_PAGE) {
      const page = await this.call((api) => api.lines(read.id, from, LINE_PAGE));
      if (page.length !== Math.min(LINE_PAGE, total - from)) return fail('import.worker-failed');
      for (const l of page) out.push(l);
      onPage?.(Math.min(from + LINE_PAGE, total), total);
    }
    return ok(out);
  }

  /** Forgets a read's kept lines. */
  async release(id: string): Promise<void> {
    await this.call((api) => api.release(id)).catch(() => undefined);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }

  /** Runs a call on the worker, or on the main thread once the worker has failed (then retried there). */
  private async call<T>(fn: (api: ImportApi | Comlink.Remote<ImportApi>) => T | Promise<T>): Promise<T> {
    if (this.remote) {
      try {
        return await Promise.race([fn(this.remote), this.failed]);
      } catch (error) {
        if (this.remote) throw error;
      }
    }
    // Loaded only when needed: the reader (with its spreadsheet library) stays out of the main bundle.
    this.local ??= (await import('./import-core')).createImportApi();
    return fn(this.local);
  }

  private fallBack(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
    this.mode = 'main-thread';
  }
}
