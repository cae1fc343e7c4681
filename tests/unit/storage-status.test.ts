import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDER_DAYS,
  formatBytes,
  isBackupDue,
  lastBackupAt,
  markBackedUp,
  readStorage,
  reminderDays,
  requestPersistence,
  setReminderDays,
} from '../../src/ui/shell/storage';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2025, 10, 20, 9);

/** A Map standing in for localStorage (Node has none); `full` makes every write throw like a full quota. */
function fakeLocalStorage(full = false) {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (full) throw new DOMException('full', 'QuotaExceededError');
      m.set(k, v);
    },
    removeItem: (k: string) => void m.delete(k),
    raw: m,
  };
}

const g = globalThis as unknown as { localStorage?: unknown };
let saved: unknown;
beforeEach(() => {
  saved = g.localStorage;
});
afterEach(() => {
  g.localStorage = saved;
});

describe('isBackupDue', () => {
  const wb = (createdDaysAgo: number, updatedDaysAgo: number) => ({ createdAt: NOW - createdDaysAgo * DAY, updatedAt: NOW - updatedDaysAgo * DAY });
  it.each([
    // [workbook created, changed (days ago)], last backup (days ago or never), days setting, due?
    [wb(30, 0), null, 7, true], // never backed up, a month of work
    [wb(3, 0), null, 7, false], // young workbook
    [wb(30, 30), null, 7, false], // untouched since created (e.g. the demo)
    [wb(30, 0), 8, 7, true],
    [wb(30, 0), 7, 7, true], // exactly the setting
    [wb(30, 0), 6, 7, false],
    [wb(30, 9), 8, 7, false], // nothing changed since the backup
    [wb(30, 0), 2, 1, true], // a shorter setting
  ] as const)('%o, last backup %s days ago, setting %s → %s', (w, lastDays, days, want) => {
    expect(isBackupDue(w, lastDays === null ? null : NOW - lastDays * DAY, NOW, days)).toBe(want);
  });
});

describe('backup times and the reminder setting', () => {
  it('records a backup per workbook and reads it back', () => {
    g.localStorage = fakeLocalStorage();
    expect(lastBackupAt('a')).toBeNull();
    markBackedUp('a', NOW);
    markBackedUp('b', NOW - DAY);
    expect(lastBackupAt('a')).toBe(NOW);
    expect(lastBackupAt('b')).toBe(NOW - DAY);
  });

  it('defaults to 7 days, keeps a whole number ≥ 1, ignores anything else', () => {
    g.localStorage = fakeLocalStorage();
    expect(reminderDays()).toBe(DEFAULT_REMINDER_DAYS);
    setReminderDays(14);
    expect(reminderDays()).toBe(14);
    for (const bad of [0, -3, 2.5, NaN]) setReminderDays(bad);
    expect(reminderDays()).toBe(14);
  });

  it('survives damaged or unwritable storage', () => {
    const ls = fakeLocalStorage();
    g.localStorage = ls;
    ls.raw.set('planbench.backups', '{not json');
    ls.raw.set('planbench.backupReminderDays', '"seven"');
    expect(lastBackupAt('a')).toBeNull();
    expect(reminderDays()).toBe(DEFAULT_REMINDER_DAYS);
    markBackedUp('a', NOW);
    expect(lastBackupAt('a')).toBe(NOW);
    ls.raw.set('planbench.backups', JSON.stringify({ a: 'yesterday', ['__proto__']: 1 }));
    expect(lastBackupAt('a')).toBeNull();
    g.localStorage = fakeLocalStorage(true);
    expect(() => markBackedUp('a', NOW)).not.toThrow();
    expect(() => setReminderDays(3)).not.toThrow();
    g.localStorage = undefined;
    expect(lastBackupAt('a')).toBeNull();
    expect(reminderDays()).toBe(DEFAULT_REMINDER_DAYS);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, 'vi', '0 B'],
    [1023, 'vi', '1.023 B'],
    [1536, 'vi', '1,5 KB'],
    [12.34 * 1024 * 1024, 'vi', '12,3 MB'],
    [12.34 * 1024 * 1024, 'en', '12.3 MB'],
    [300 * 1024 ** 3, 'en', '300 GB'],
  ] as const)('%d bytes (%s) → %s', (bytes, lang, want) => {
    expect(formatBytes(bytes, lang)).toBe(want);
  });
});

describe('where the browser has no storage API', () => {
  it('reports unknown instead of failing', async () => {
    // Node's navigator has no storage manager: the same path as an old or locked-down browser.
    expect(await requestPersistence()).toBeNull();
    expect(await readStorage()).toEqual({ persisted: null, usage: null, quota: null });
  });
});
