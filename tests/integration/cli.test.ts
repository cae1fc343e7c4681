// The headless command as a user runs it: `npx planbench allocate RULE.json [--csv]`.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/planbench.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });
const TR = 1_000_000;

describe('planbench allocate', () => {
  it('splits the example rule exactly, keeping the reserve, the pin and the caps', () => {
    const r = run('allocate', 'tests/fixtures/rule-cao-loc-da3.json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { parts: { id: string; amount: number; bound: string }[]; reserved: { id: string; amount: number }[] };
    const total = out.parts.reduce((a, p) => a + p.amount, 0) + out.reserved.reduce((a, p) => a + p.amount, 0);
    expect(total).toBe(2398 * TR);
    expect(out.reserved).toEqual([{ id: 'phong-ldtbxh', amount: 239 * TR }]);
    const byId = Object.fromEntries(out.parts.map((p) => [p.id, p]));
    expect(byId['Mẫu Sơn']).toMatchObject({ amount: 150 * TR, bound: 'pinned' });
    expect(byId['Thanh Lò']).toMatchObject({ amount: 400 * TR, bound: 'cap' });
    expect(byId['Thị trấn Cao Lộc']).toMatchObject({ amount: 0, bound: 'ineligible' });
    for (const p of out.parts) expect(p.amount % TR).toBe(0);
  });

  it('prints CSV with --csv', () => {
    const r = run('allocate', 'tests/fixtures/rule-cao-loc-da3.json', '--csv');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,score,exact,amount,bound');
    expect(lines).toContain('phong-ldtbxh,,,239000000,reserved');
  });

  it('exits non-zero with the reason in Vietnamese and English when the rule cannot be split', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cli-'));
    const file = join(dir, 'rule.json');
    writeFileSync(
      file,
      JSON.stringify({ envelope: 100, unit: 1, criteria: [{ key: 'poor', weight: 1 }], reserved: [{ id: 'x', amount: 150 }], recipients: [{ id: 'a', values: { poor: 1 } }] }),
    );
    const r = run('allocate', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('names the field at fault in a malformed rule, and says how to use it when called wrongly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cli-'));
    const file = join(dir, 'rule.json');
    writeFileSync(file, JSON.stringify({ envelope: 'nhiều tiền', criteria: [], recipients: [] }));
    const bad = run('allocate', file);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('envelope');
    const usage = run('split');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('planbench allocate');
  });

  it('refuses a rule file larger than the readers take, unread, with the sizes in both languages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cli-'));
    const file = join(dir, 'huge.json');
    writeFileSync(file, '{');
    truncateSync(file, 200 * 2 ** 20); // sparse: no disk used
    const r = run('allocate', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('quá lớn (200 MB, tối đa 128 MB)');
    expect(r.stderr).toContain('too large (200 MB, at most 128 MB)');
  });
});
