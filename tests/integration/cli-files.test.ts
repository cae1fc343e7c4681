// The headless file commands as a user runs them: `npx planbench recalc WORKBOOK.json` and
// `npx planbench convert IN OUT`, on the committed demo backup.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { readBackup } from '../../src/io/backup';
import { archiveBaseline } from '../../src/domain/workbook-archive';
import { planTotals } from '../../src/cli/recalc';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/planbench.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });
const DEMO = 'tests/fixtures/cao-loc-2023.backup.json';
const tmp = () => mkdtempSync(join(tmpdir(), 'pb-cli-'));

describe('planbench recalc', () => {
  it('prints the totals of the demo in triệu đồng, with the stated plan and the difference', () => {
    const r = run('recalc', DEMO);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Cao Lộc 2023 — Huyện Cao Lộc, tỉnh Lạng Sơn, năm / year 2023: 8 dòng / lines');
    const row = (label: string) =>
      lines
        .find((l) => l.trimStart().startsWith(label))
        ?.replace(label, '')
        .trim();
    expect(row('Kế hoạch vốn / plan')).toBe('13.819');
    expect(row('Đã giải ngân / disbursed')).toBe('3.709,04');
    expect(row('Tỷ lệ giải ngân / disbursement rate')).toBe('26,84 %');
    expect(row('Dự kiến giải ngân cuối năm / projected')).toBe('11.624,66');
    expect(row('Dự kiến chuyển nguồn / carry-over')).toBe('1.970,24');
    expect(row('Nguy cơ hủy / at risk of lapse')).toBe('224,1');
    expect(row('Kế hoạch theo báo cáo / stated plan')).toBe('13.392');
    expect(row('Chênh lệch / difference')).toBe('+427');
  });

  it('prints JSON in whole đồng, the same figures as the engine in-process', () => {
    const r = run('recalc', DEMO, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const archive = readBackup(readFileSync(DEMO, 'utf8'));
    expect(archive.ok).toBe(true);
    if (!archive.ok) return;
    expect(out).toEqual(planTotals(archiveBaseline(archive.value)));
    expect(out.totals).toMatchObject({
      plan: 13_819_000_000,
      central: 13_819_000_000,
      recurrent: 13_819_000_000,
      disbursed: 3_709_040_000,
      projected: 11_624_660_000,
      carryOver: 1_970_240_000,
      lapse: 224_100_000,
    });
    expect(out.totals.carryOver + out.totals.lapse).toBe(out.totals.unspent);
  });

  it('writes amounts in another unit and number format', () => {
    const r = run('recalc', DEMO, '--unit', 'dong', '--locale', 'en');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('3,709,040,000');
  });

  it('refuses a damaged or newer backup with a reason in Vietnamese and English', () => {
    const dir = tmp();
    const text = readFileSync(DEMO, 'utf8');
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, text.slice(0, 5000));
    const newer = join(dir, 'newer.json');
    writeFileSync(newer, text.replace('"formatVersion": 1', '"formatVersion": 7'));
    const tamperedFile = join(dir, 'tampered.json');
    writeFileSync(tamperedFile, text.replace('"plan": 566000000', '"plan": 566000000.5'));
    // A device that never ends, and a folder: refused at once, not read.
    for (const [file, words] of [
      [truncated, 'JSON'],
      [newer, 'format 7'],
      [tamperedFile, 'whole number of đồng'],
      [join(dir, 'absent.json'), 'absent.json'],
      ['/dev/zero', 'not a file'],
      [dir, 'not a file'],
    ]) {
      const r = run('recalc', file);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      const errs = r.stderr.split('\n').filter(Boolean);
      expect(errs).toHaveLength(2);
      expect(errs[1]).toContain(words);
    }
  });
});

describe('planbench convert', () => {
  it('exports the baseline plan of a backup to xlsx with live totals', async () => {
    const out = join(tmp(), 'cao-loc.xlsx');
    const r = run('convert', DEMO, out);
    expect(r.status).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A3').value).toBe('ĐVT: triệu đồng');
    const total = ws.getRow(ws.rowCount);
    expect(total.getCell(2).value).toBe('Tổng cộng chương trình');
    expect(total.getCell(7).value).toMatchObject({ formula: expect.stringMatching(/^SUM\(/), result: 13_819 });
  });

  it('exports to CSV: semicolons with vi numbers by default, commas with en, tabs for .tsv', () => {
    const dir = tmp();
    for (const [name, args, delimiter, plan] of [
      ['vi.csv', [], ';', '13819'],
      ['en.csv', ['--locale', 'en', '--lang', 'en', '--unit', 'ty'], ',', '13.819'],
      ['tab.tsv', [], '\t', '13819'],
    ] as const) {
      const out = join(dir, name);
      expect(run('convert', DEMO, out, ...args).status).toBe(0);
      const text = readFileSync(out, 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      const rows = Papa.parse<string[]>(text.slice(1), { delimiter, skipEmptyLines: true }).data;
      expect(rows[rows.length - 1][6]).toBe(plan);
    }
  });

  it('rewrites a backup as a backup', () => {
    const out = join(tmp(), 'copy.json');
    expect(run('convert', DEMO, out).status).toBe(0);
    const a = readBackup(readFileSync(DEMO, 'utf8'));
    const b = readBackup(readFileSync(out, 'utf8'));
    expect(a.ok && b.ok && b.value).toEqual(a.ok && a.value);
  });

  it('reads the sheet LibreOffice wrote from a Vietnamese-layout CSV into a workbook with the demo’s lines', () => {
    const dir = tmp();
    const out = join(dir, 'imported.json');
    const r = run('convert', 'tests/fixtures/import/libreoffice-vi-layout.xlsx', out);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/^Lỗi/m);
    const imported = readBackup(readFileSync(out, 'utf8'));
    const demo = readBackup(readFileSync(DEMO, 'utf8'));
    expect(imported.ok && demo.ok).toBe(true);
    if (!imported.ok || !demo.ok) return;
    const byCode = (a: typeof demo.value) => {
      const code = new Map(a.nodes.map((n) => [n.id, n.code]));
      return archiveBaseline(a)
        .lines.map((l) => [code.get(l.nodeId), l.plan, l.disbursed, l.unit])
        .sort();
    };
    expect(byCode(imported.value)).toEqual(byCode(demo.value));
    expect(imported.value.workbook).toMatchObject({ name: 'libreoffice-vi-layout', year: 2023 });
    expect(imported.value.workbook.stated[0].figures).toMatchObject({ central: 13_164_000_000, local: 228_000_000, disbursed: 3_168_000_000 });
    const totals = JSON.parse(run('recalc', out, '--json').stdout);
    expect(totals.totals).toMatchObject({ plan: 13_819_000_000, disbursed: 3_709_040_000 });
  });

  it('refuses a CSV whose number format is ambiguous until --locale names it, or --force', () => {
    const dir = tmp();
    const csv = join(dir, 'ambiguous.csv');
    writeFileSync(csv, 'STT;Nội dung;Kế hoạch vốn (triệu đồng)\r\n1;Dự án 2;1.234\r\n2;Dự án 5;2.500\r\n');
    const out = join(dir, 'plan.json');
    const refused = run('convert', csv, out);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Kế hoạch vốn');
    expect(refused.stderr).toContain('--locale');
    expect(existsSync(out)).toBe(false);
    expect(run('convert', csv, out, '--locale', 'vi').status).toBe(0);
    expect(JSON.parse(run('recalc', out, '--json').stdout).totals.plan).toBe(3_734_000_000);
    expect(run('convert', csv, out, '--locale', 'en').status).toBe(0);
    expect(JSON.parse(run('recalc', out, '--json').stdout).totals.plan).toBe(3_734_000);
    expect(run('convert', csv, out, '--force').status).toBe(0);
  });

  it('prints the reconciliation of a report with group rows: every total the file states, ✓ or its difference', () => {
    const dir = tmp();
    const file = join(dir, 'phan-bo.csv');
    writeFileSync(
      file,
      [
        'ĐVT: triệu đồng',
        'STT;Nội dung;Tổng số;NSTW;NSĐP',
        ';Tổng cộng;1.490;1.290;200',
        'I;Cấp tỉnh;600;500;100',
        '1;Dự án 6: Truyền thông;400;300;100',
        '2;Dự án 7: Nâng cao năng lực;200;200;',
        'II;Cấp huyện;900;800;100',
        '1;Dự án 6: Truyền thông;500;400;100',
        '2;Dự án 7: Nâng cao năng lực;390;390;',
      ].join('\n'),
    );
    const r = run('convert', file, join(dir, 'out.json'), '--year', '2024', '--locale', 'vi');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('2/13 số tổng không khớp / totals differ');
    const row = (label: string) => r.stderr.split('\n').find((l) => l.includes(label)) ?? '';
    expect(row('Tổng cộng')).toMatch(/1\.490 ✓ +1\.290 ✓ +200 ✓/);
    expect(row('II Cấp huyện')).toContain('890 ≠ 900 Δ −10');
    expect(row('I Cấp tỉnh')).toMatch(/600 ✓ +500 ✓ +100 ✓/);
  });

  it('reads the sheet --sheet names, by name or position, and lists what each sheet holds', () => {
    const dir = tmp();
    const book = 'tests/fixtures/corpus/b15-trang-dinh-nhieu-sheet-huong-dan.xlsx';
    const r = run('convert', book, join(dir, 'out.json'));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('1. Hướng dẫn: chữ / text');
    expect(r.stderr).toContain('2. Biểu 01: bảng số tiền / a money table');
    expect(r.stderr).toContain('3. DS xã: danh sách, không có số tiền / a list, no money');
    const missing = run('convert', book, join(dir, 'out2.json'), '--sheet', '9');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Tệp không có trang tính "9"');
  });

  it('says how to use it when called wrongly', () => {
    for (const args of [['convert', DEMO], ['recalc'], ['recalc', DEMO, '--unit', 'xu'], ['convert', DEMO, 'out.pdf', 'more']]) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('planbench convert IN OUT');
    }
    const r = run('convert', DEMO, join(tmp(), 'out.pdf'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('out.pdf');
  });
});
