// The import as a worker serves it: readImport behind request ids, because an AbortSignal cannot
// cross a worker boundary. The worker exposes createImportService()'s methods as they are (a
// progress callback passed through Comlink.proxy); the main thread cancels by id. Pure: no DOM.

import type { Result } from '../domain/model';
import type { ImportOptions, ImportReading, WorkbookContext } from './import-plan';
import { readImport } from './import-plan';

/** Options that cross the boundary: everything but the signal and the callback. */
export type ImportCallOptions = Omit<ImportOptions, 'signal' | 'onProgress' | 'onStep'>;

export interface ImportService {
  /** Reads a file (see readImport); `requestId` names the read for cancel(). */
  read(
    requestId: string,
    bytes: Uint8Array | ArrayBuffer,
    fileName: string,
    context: WorkbookContext,
    options?: ImportCallOptions,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Result<ImportReading>>;
  /** Stops the read with that id (it ends with import.cancelled); false when none is running. */
  cancel(requestId: string): boolean;
}

/** A service whose reads can be cancelled by id; each read's result is plain data. */
export function createImportService(): ImportService {
  const running = new Map<string, AbortController>();
  return {
    async read(requestId, bytes, fileName, context, options = {}, onProgress) {
      const controller = new AbortController();
      running.get(requestId)?.abort();
      running.set(requestId, controller);
      try {
        return await readImport(bytes, fileName, context, { ...options, signal: controller.signal, onProgress });
      } finally {
        if (running.get(requestId) === controller) running.delete(requestId);
      }
    },
    cancel(requestId) {
      const controller = running.get(requestId);
      if (!controller) return false;
      controller.abort();
      running.delete(requestId);
      return true;
    },
  };
}
