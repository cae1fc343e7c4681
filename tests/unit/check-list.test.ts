// The checks panel's list: review states from the stored marks, filters, order, and the export rows.
import { describe, expect, it } from 'vitest';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { checkPlan, fingerprintOf } from '../../src/domain/checks';
import { checkItems, checkTableRows, filterItems } from '../../src/ui/checks/check-list';

const view = { lang: 'vi', unit: 'trieu', locale: 'vi' } as const;
const ALL = new Set(['error', 'warning', 'info'] as const);

describe('the checks list', () => {
  const entries = checkPlan(buildDemoWorkbook());
  const total = entries.find((e) => e.id === 'stated-amount:total:plan')!;
  const local = entries.find((e) => e.id === 'stated-amount:total:local')!;
  const reviews = {
    [total.id]: { note: 'theo QĐ', fingerprint: fingerprintOf(total), at: Date.UTC(2023, 11, 12, 12) },
    [local.id]: { note: 'cũ', fingerprint: 'other numbers', at: Date.UTC(2023, 11, 1, 12) },
  };
  const items = checkItems(entries, reviews, view);
  const item = (id: string) => items.find((i) => i.entry.id === id)!;

  it('knows reviewed, lapsed and open entries, with their numbers in the unit', () => {
    expect(item(total.id)).toMatchObject({ state: 'reviewed', stated: '13.392', computed: '13.819', delta: '+427', row: 'Tổng cộng chương trình' });
    expect(item(local.id).state).toBe('lapsed');
    expect(items.filter((i) => i.state === 'open')).toHaveLength(entries.length - 2);
  });

  it('filters by severity, row and review, errors first', () => {
    const all = filterItems(items, { severities: ALL, row: '', showReviewed: true });
    expect(all.map((i) => i.entry.severity)).toEqual(
      [...all.map((i) => i.entry.severity)].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)),
    );
    expect(filterItems(items, { severities: ALL, row: '', showReviewed: false }).some((i) => i.entry.id === total.id)).toBe(false);
    const infos = filterItems(items, { severities: new Set(['info'] as const), row: '', showReviewed: true });
    expect(infos.every((i) => i.entry.severity === 'info')).toBe(true);
    const onTotal = filterItems(items, { severities: ALL, row: 'total:', showReviewed: true });
    expect(onTotal.every((i) => i.entry.target.kind === 'total')).toBe(true);
    expect(onTotal.length).toBeGreaterThan(3);
  });

  it('exports each entry with its numbers and its review note', () => {
    const { headers, rows } = checkTableRows([item(total.id), item(local.id)], view);
    expect(headers).toEqual(['Mức độ', 'Dòng / mục', 'Nội dung', 'Theo báo cáo', 'Tính được', 'Chênh lệch', 'Ghi chú xem xét']);
    expect(rows[0].cells.slice(3, 6)).toEqual([{ amount: 13_392_000_000 }, { amount: 13_819_000_000 }, { amount: 427_000_000 }]);
    expect(rows[0].cells[6]).toBe('Đã xem xét 12/12/2023: theo QĐ');
    expect(rows[1].cells[6]).toContain('Số liệu đã thay đổi sau lần xem xét ngày 1/12/2023 (ghi chú khi đó: cũ)');
  });
});
