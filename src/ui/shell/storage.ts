// The browser's storage as the user should know it: whether it is persistent (the browser will not
// evict it to free space), how much is used, whether the app itself is stored for offline use, and when each workbook was last backed up to a file,
// with the reminder setting (days). Backup times and the setting live in localStorage, beside the
// view settings: they describe this browser's copy, not the workbook.

import { saveFile } from './save-file';

export interface StorageInfo {
  /** true: the browser keeps the data until the user deletes it; false: it may evict it; null: unknown. */
  persisted: boolean | null;
  /** Bytes used and available to this site, when the browser says. */
  usage: number | null;
  quota: number | null;
}

export interface BackupFile {
  fileName: string;
  text: string;
}

export const DEFAULT_REMINDER_DAYS = 7;
const BACKUPS_KEY = 'planbench.backups';
const REMINDER_KEY = 'planbench.backupReminderDays';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Asks for persistent storage once (browsers decide without asking, or prompt); reports the answer. */
export async function requestPersistence(): Promise<boolean | null> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return null;
  try {
    return (await storage.persisted?.()) || (await storage.persist());
  } catch {
    return null;
  }
}

/** What the browser says about this site's storage; fields it will not tell are null. */
export async function readStorage(): Promise<StorageInfo> {
  const storage = globalThis.navigator?.storage;
  const [persisted, estimate] = await Promise.all([
    storage?.persisted ? storage.persisted().catch(() => null) : null,
    storage?.estimate ? storage.estimate().catch(() => null) : null,
  ]);
  return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}

/** Whether the app is held by its service worker, so it opens with the network off; null: no service workers here. */
export async function isOfflineReady(): Promise<boolean | null> {
  const sw = globalThis.navigator?.serviceWorker;
  if (!sw) return null;
  const registration = await sw.getRegistration().catch(() => undefined);
  return !!registration?.active;
}

/** Bytes as a person reads them: "12,3 MB" (vi) or "12.3 MB" (en). */
export function formatBytes(bytes: number, lang: 'vi' | 'en'): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return `${v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits })} ${units[i]}`;
}

function readJson(key: string): unknown {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

const CHANGED = 'planbench-backups-changed';

function writeJson(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled or full: the reminder simply lasts for this visit.
  }
  globalThis.dispatchEvent?.(new Event(CHANGED));
}

/**
 * Gives `fn` a workbook's last backup time and the reminder setting now and whenever either
 * changes, in this tab or another; returns the function that stops listening.
 */
export function watchBackup(workbookId: string | undefined, fn: (last: number | null, days: number) => void): () => void {
  const read = () => fn(workbookId ? lastBackupAt(workbookId) : null, reminderDays());
  read();
  return onBackupsChanged(read);
}

function onBackupsChanged(fn: () => void): () => void {
  const fromOtherTab = (e: StorageEvent) => {
    if (e.key === null || e.key === BACKUPS_KEY || e.key === REMINDER_KEY) fn();
  };
  addEventListener(CHANGED, fn);
  addEventListener('storage', fromOtherTab);
  return () => {
    removeEventListener(CHANGED, fn);
    removeEventListener('storage', fromOtherTab);
  };
}

/** When a workbook was last backed up to a file in this browser (ms since 1970), or null. */
export function lastBackupAt(workbookId: string): number | null {
  const all = readJson(BACKUPS_KEY);
  const at = all && typeof all === 'object' ? (all as Record<string, unknown>)[workbookId] : null;
  return typeof at === 'number' && Number.isFinite(at) ? at : null;
}

/** Records that a workbook was just backed up to a file. */
export function markBackedUp(workbookId: string, at = Date.now()): void {
  const all = readJson(BACKUPS_KEY);
  const next = all && typeof all === 'object' && !Array.isArray(all) ? { ...(all as Record<string, unknown>) } : {};
  next[workbookId] = at;
  writeJson(BACKUPS_KEY, next);
}

/** Days after which a backup is due (a whole number ≥ 1; 7 unless the user set another). */
export function reminderDays(): number {
  const v = readJson(REMINDER_KEY);
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : DEFAULT_REMINDER_DAYS;
}

export function setReminderDays(days: number): void {
  if (Number.isInteger(days) && days >= 1) writeJson(REMINDER_KEY, days);
}

/**
 * Whether a backup is due: the last backup (or, never backed up, the workbook's creation) is
 * `days` or more old and the workbook changed after it (an untouched demo needs no reminder).
 */
export function isBackupDue(workbook: { createdAt: number; updatedAt: number }, last: number | null, now: number, days: number): boolean {
  const since = last ?? workbook.createdAt;
  return now - since >= days * DAY_MS && workbook.updatedAt > since;
}

/** Writes a backup file of a workbook (downloads it) and records the time; false when there was nothing to write. */
export async function saveBackup(workbookId: string, backup: () => Promise<BackupFile | null>): Promise<boolean> {
  const file = await backup();
  if (!file) return false;
  saveFile(file.fileName, file.text, 'application/json');
  markBackedUp(workbookId);
  return true;
}
