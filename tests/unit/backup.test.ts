// Backup files: a round trip keeps every record (unknown fields too), and damaged, truncated,
// tampered or newer files are refused whole with a sentence in Vietnamese and English.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { describeProblem } from '../../src/domain/messages';
import type { Problem, Result } from '../../src/domain/model';
import { newId } from '../../src/domain/ids';
import { archiveBaseline, copyArchive, type WorkbookArchive } from '../../src/domain/workbook-archive';
import { orderTree } from '../../src/domain/tree';
import { BACKUP_FORMAT_VERSION, MAX_BACKUP_CHARS, readBackup, readBackupBytes, writeBackup } from '../../src/io/backup';

/** The demo with a second scenario (a frozen version) holding lines of its own, and fields a newer app might add. */
function demoArchive(): WorkbookArchive {
  const d = buildDemoWorkbook(1_700_000_000_000);
  const baseline = d.scenarios[0];
  const versionId = newId();
  const versionLines = d.lines.map((l) => ({ ...l, id: newId(), plan: l.plan + 1_000, note: 'trường mới' }));
  return {
    workbook: { ...d.workbook, futureSetting: { a: [1, 2] } },
    nodes: d.nodes,
    places: d.places ?? [],
    rules: d.rules ?? [],
    scenarios: [
      { ...baseline, kind: 'baseline', lines: d.lines },
      {
        id: versionId,
        workbookId: d.workbook.id,
        name: 'Bản chốt 15/11',
        createdAt: 1_699_000_000_000,
        kind: 'version',
        frozenAt: 1_699_000_000_000,
        sourceId: baseline.id,
        note: 'Trình UBND',
        lines: versionLines,
        review: 'ok',
      },
    ],
  };
}

function problemOf<T>(r: Result<T>): Problem {
  if (r.ok) throw new Error('expected the backup to be refused');
  for (const lang of ['vi', 'en'] as const) expect(describeProblem(r.error, lang)).not.toMatch(/\{\w+\}|error code/);
  return r.error;
}

/** The backup's JSON, changed by `edit`. */
function tampered(edit: (json: Record<string, any>) => void): string {
  const json = JSON.parse(writeBackup(demoArchive()));
  edit(json);
  return JSON.stringify(json);
}

describe('writeBackup / readBackup', () => {
  it('round-trips a whole workbook: every scenario with its own lines, unknown fields kept', () => {
    const archive = demoArchive();
    const text = writeBackup(archive, new Date(Date.UTC(2023, 10, 20)));
    const json = JSON.parse(text);
    expect(json).toMatchObject({ format: 'planbench-backup', formatVersion: 1, exportedAt: '2023-11-20T00:00:00.000Z' });
    const back = readBackup(text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.value).toEqual(archive);
    expect(back.value.scenarios[1].lines[0]).toMatchObject({ note: 'trường mới' });
    expect(back.value.scenarios[1]).toMatchObject({ kind: 'version', review: 'ok' });
    expect(back.value.workbook.futureSetting).toEqual({ a: [1, 2] });
    expect(archiveBaseline(back.value).lines).toEqual(archive.scenarios[0].lines);
  });

  it('reads the committed demo backup and a backup with a byte-order mark', () => {
    const text = readFileSync('tests/fixtures/cao-loc-2023.backup.json', 'utf8');
    expect(readBackup(text).ok).toBe(true);
    expect(readBackup('\uFEFF' + text).ok).toBe(true);
  });

  it('refuses a truncated file', () => {
    const text = writeBackup(demoArchive());
    expect(problemOf(readBackup(text.slice(0, text.length / 2))).code).toBe('backup.not-json');
    expect(problemOf(readBackup('')).code).toBe('backup.not-json');
  });

  it('refuses another kind of JSON file', () => {
    expect(problemOf(readBackup(readFileSync('tests/fixtures/rule-cao-loc-da3.json', 'utf8'))).code).toBe('backup.not-backup');
    expect(problemOf(readBackup('[1,2]')).code).toBe('backup.not-backup');
  });

  it('refuses a file from a newer version, saying which versions it reads', () => {
    const p = problemOf(readBackup(tampered((j) => (j.formatVersion = BACKUP_FORMAT_VERSION + 1))));
    expect(p).toEqual({ code: 'backup.newer-version', params: { version: 2, supported: 1 } });
    expect(describeProblem(p, 'en')).toContain('format 2');
  });

  it.each<[string, (j: Record<string, any>) => void, Problem]>([
    ['a missing part', (j) => delete j.nodes, { code: 'backup.missing-part', params: { part: 'nodes' } }],
    ['a missing field', (j) => delete j.scenarios[1].lines[2].plan, { code: 'backup.missing-part', params: { part: 'scenarios[1].lines[2].plan' } }],
    [
      'a fraction of a đồng',
      (j) => (j.scenarios[0].lines[3].plan = 566_000_000.5),
      { code: 'backup.bad-amount', params: { path: 'scenarios[0].lines[3].plan', text: '566000000.5' } },
    ],
    [
      'an amount as text',
      (j) => (j.scenarios[1].lines[0].disbursed = '2.000 triệu'),
      { code: 'backup.bad-amount', params: { path: 'scenarios[1].lines[0].disbursed', text: '"2.000 triệu"' } },
    ],
    [
      'a stated amount beyond 2^53',
      (j) => (j.workbook.stated[0].figures.plan = 2 ** 60),
      { code: 'backup.bad-amount', params: { path: 'workbook.stated[0].figures.plan', text: String(2 ** 60) } },
    ],
    ['an unknown source', (j) => (j.scenarios[0].lines[0].source = 'ODA'), { code: 'backup.bad-value', params: { path: 'scenarios[0].lines[0].source', text: '"ODA"' } }],
    ['a wrong type', (j) => (j.nodes = {}), { code: 'backup.bad-value', params: { path: 'nodes', text: '{}' } }],
    ['a malformed date', (j) => (j.workbook.settings.asOf = '15/11/2023'), { code: 'backup.bad-value', params: { path: 'workbook.settings.asOf', text: '"15/11/2023"' } }],
    [
      'a date that does not exist',
      (j) => (j.scenarios[0].lines[0].asOf = '2023-02-30'),
      { code: 'backup.bad-value', params: { path: 'scenarios[0].lines[0].asOf', text: '"2023-02-30"' } },
    ],
    [
      'a huge list where a name belongs',
      (j) => (j.workbook.name = Array.from({ length: 100_000 }, () => 1)),
      { code: 'backup.bad-value', params: { path: 'workbook.name', text: '[… 100000]' } },
    ],
    ['a line of an unknown item', (j) => (j.scenarios[1].lines[1].nodeId = 'x'), { code: 'backup.bad-link', params: { path: 'scenarios[1].lines[1].nodeId', id: 'x' } }],
    ['a missing baseline', (j) => (j.workbook.baselineScenarioId = 'gone'), { code: 'backup.bad-link', params: { path: 'workbook.baselineScenarioId', id: 'gone' } }],
    ['a node id used twice', (j) => (j.nodes[1].id = j.nodes[0].id), { code: 'backup.bad-link', params: { path: 'nodes[1].id', id: expect.any(String) } }],
    ['a record of another workbook', (j) => (j.places[0].workbookId = 'other'), { code: 'backup.bad-link', params: { path: 'places[0].workbookId', id: 'other' } }],
  ])('refuses a tampered file: %s', (_, edit, expected) => {
    expect(problemOf(readBackup(tampered(edit)))).toEqual(expected);
  });

  it('refuses a key that reaches a prototype, plain or escaped, and keeps a criterion named "constructor"', () => {
    const text = writeBackup(demoArchive());
    const at = (anchor: string, insert: string) => {
      expect(text).toContain(anchor);
      return readBackup(text.replace(anchor, `${anchor} ${insert}`));
    };
    expect(problemOf(at('{', '"__proto__": { "polluted": true },'))).toEqual({ code: 'backup.unsafe-key', params: { path: '__proto__', key: '__proto__' } });
    expect(problemOf(at('"nodes": [\n  {', '"\\u005f_proto__": { "isAdmin": true },')).params).toEqual({ path: 'nodes[0].__proto__', key: '__proto__' });
    expect(problemOf(at('"settings": {', '"constructor": { "prototype": { "polluted": true } },')).params).toEqual({
      path: 'workbook.settings.constructor',
      key: 'constructor',
    });
    expect(at('"values": {', '"constructor": 3,').ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses nesting deeper than a backup has, without overflowing the call stack', () => {
    const text = writeBackup(demoArchive());
    const deep = (open: string, close: string) => `${open.repeat(20_000)}1${close.repeat(20_000)}`;
    expect(problemOf(readBackup(text.replace('"workbook": {', `"workbook": { "future": ${deep('{"a":', '}')},`))).code).toBe('backup.too-deep');
    expect(problemOf(readBackup(text.replace(/"name": "[^"]*"/, `"name": ${deep('[', ']')}`))).code).toBe('backup.too-deep');
  });

  it('refuses a tree the app could never show — an item its own parent, a cycle, a chain 100 000 deep — with a sentence, not a crash', () => {
    const self = tampered((j) => (j.nodes[3].parentId = j.nodes[3].id));
    expect(problemOf(readBackup(self))).toMatchObject({ code: 'backup.tree-self' });
    const cycle = tampered((j) => {
      j.nodes[0].parentId = j.nodes[1].id;
      j.nodes[1].parentId = j.nodes[0].id;
    });
    expect(problemOf(readBackup(cycle)).code).toBe('backup.tree-cycle');
    const deep = tampered((j) => {
      const base = j.nodes[0];
      const chain = Array.from({ length: 100_000 }, (_, i) => ({ ...base, id: `deep-${i}`, code: `D${i}`, parentId: i === 0 ? null : `deep-${i - 1}` }));
      j.nodes.push(...chain);
    });
    expect(problemOf(readBackup(deep))).toMatchObject({ code: 'backup.tree-deep', params: { limit: 32 } });
    // The tree itself is walked without recursion: a deep chain orders without overflowing the stack.
    const chain = Array.from({ length: 100_000 }, (_, i) => ({ id: `n${i}`, workbookId: 'w', parentId: i === 0 ? null : `n${i - 1}`, code: `${i}`, name: '', order: 0 }));
    expect(orderTree(chain).depth[99_999]).toBe(99_999);
  });

  it('refuses a file past the size limit before parsing or decoding it', () => {
    const text = writeBackup(demoArchive());
    expect(problemOf(readBackup(' '.repeat(MAX_BACKUP_CHARS) + text))).toEqual({ code: 'backup.too-large', params: { size: 101, limit: 100 } });
    expect(problemOf(readBackupBytes(new Uint8Array(MAX_BACKUP_CHARS + 1))).code).toBe('backup.too-large');
    expect(readBackupBytes(new TextEncoder().encode(text)).ok).toBe(true);
  });
});

describe('copyArchive', () => {
  it('gives every record a fresh id and keeps every link, scenario by scenario', () => {
    const archive = demoArchive();
    // A variant keeping the ids of the baseline's lines (lines matched across scenarios).
    archive.scenarios.push({ ...archive.scenarios[0], id: newId(), name: 'Phương án', kind: 'variant', lines: archive.scenarios[0].lines.map((l) => ({ ...l, plan: 1 })) });
    const copy = copyArchive(archive, 'Khôi phục', 1_800_000_000_000);
    const oldIds = new Set([archive.workbook.id, ...archive.nodes.map((n) => n.id), ...archive.scenarios.flatMap((s) => [s.id, ...s.lines.map((l) => l.id)])]);
    expect(copy.workbook).toMatchObject({ name: 'Khôi phục', createdAt: 1_800_000_000_000, demo: false });
    expect(oldIds.has(copy.workbook.id)).toBe(false);
    const nodeIds = new Set(copy.nodes.map((n) => n.id));
    copy.scenarios.forEach((s, i) => {
      const src = archive.scenarios[i];
      expect(oldIds.has(s.id)).toBe(false);
      expect(s).toMatchObject({ name: src.name, createdAt: src.createdAt, workbookId: copy.workbook.id });
      expect(s.lines.map((l) => l.plan)).toEqual(src.lines.map((l) => l.plan));
      for (const l of s.lines) {
        expect(oldIds.has(l.id)).toBe(false);
        expect(nodeIds.has(l.nodeId)).toBe(true);
      }
    });
    expect(copy.workbook.baselineScenarioId).toBe(copy.scenarios[0].id);
    expect(copy.scenarios[1].sourceId).toBe(copy.scenarios[0].id);
    expect(copy.scenarios[2].lines.map((l) => l.id)).toEqual(copy.scenarios[0].lines.map((l) => l.id));
    expect(new Set(copy.scenarios[1].lines.map((l) => l.id)).has(copy.scenarios[0].lines[0].id)).toBe(false);
    expect(readBackup(writeBackup(copy)).ok).toBe(true);
  });
});
