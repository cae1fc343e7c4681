// The import worker's client over a message channel, as with a real worker: a summary then the
// lines in pages, progress through a proxy, cancel and latest-wins, and the main-thread fallback.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ImportClient, LINE_PAGE } from '../../src/engine/import-client';
import { createImportApi } from '../../src/engine/import-core';
import { IMPORT_PROGRESS_TOTAL, readImport } from '../../src/io/import-plan';
import { buildEmptyWorkbook } from '../../src/domain/demo';
import { formatAmount } from '../../src/domain/amount';
import { withChannelWorker } from './worker-channel';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url)));
const base = buildEmptyWorkbook('Đích', 2023);
const context = { workbookId: base.workbook.id, year: 2023, nodes: base.nodes };

/** A client whose worker is the import service behind a message channel. */
const channelClient = () => withChannelWorker(createImportApi(), () => new ImportClient(true));

/** A CSV of n lines, amounts in đồng. */
function bigCsv(n: number): Uint8Array {
  const rows = ['Mã;Nội dung;Kế hoạch vốn (đồng);Giải ngân (đồng)'];
  for (let i = 0; i < n; i++) rows.push(`DA${2 + (i % 6)};Dòng ${i};${formatAmount(1_000_000 + i, 'dong', 'vi')};${i}`);
  return new TextEncoder().encode(rows.join('\r\n'));
}

describe('ImportClient', () => {
  it('reads a fixture into the same reading as in-process, lines in pages, progress up to the total', async () => {
    const client = channelClient();
    const progress: number[] = [];
    const read = (await client.read(fixture('cao-loc-2023.xlsx'), 'cao-loc-2023.xlsx', context, {}, (done) => progress.push(done)))!;
    expect(read.result.ok).toBe(true);
    const direct = await readImport(fixture('cao-loc-2023.xlsx'), 'cao-loc-2023.xlsx', context);
    if (!read.result.ok || !direct.ok) throw new Error('read failed');
    const summary = read.result.value;
    expect(summary.result.lineCount).toBe(direct.value.result.lines.length);
    expect(summary.result.problems).toEqual(direct.value.result.problems);
    expect(summary.table.rowCount).toBe(direct.value.table.rows.length);
    expect(summary.result.plan).toBe(direct.value.result.lines.reduce((a, l) => a + l.line.plan, 0));
    const lines = await client.lines(read);
    const code = (nodes: { node: { id: string; code: string } }[], id: string) => nodes.find((n) => n.node.id === id)?.node.code;
    expect(lines.ok && lines.value.map((l) => [code(summary.result.nodes, l.line.nodeId), l.line.plan, l.row])).toEqual(
      direct.value.result.lines.map((l) => [code(direct.value.result.nodes, l.line.nodeId), l.line.plan, l.row]),
    );
    expect(progress.at(-1)).toBe(IMPORT_PROGRESS_TOTAL);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    client.dispose();
  });

  it('pages a large reading and gives every line once, in order', async () => {
    const client = channelClient();
    const n = LINE_PAGE * 2 + 17;
    const read = (await client.read(bigCsv(n), 'lon.csv', context))!;
    const pages: number[] = [];
    const lines = await client.lines(read, (done) => pages.push(done));
    expect(lines.ok && lines.value.map((l) => l.line.disbursed)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(pages).toEqual([LINE_PAGE, LINE_PAGE * 2, n]);
    client.dispose();
  });

  it('a newer read supersedes the one in flight, and cancel() ends a read as null', async () => {
    const client = channelClient();
    const first = client.read(bigCsv(60_000), 'lon.csv', context);
    const second = client.read(fixture('plan-en.csv'), 'plan-en.csv', context);
    expect(await first).toBeNull();
    expect((await second)!.result.ok).toBe(true);
    const third = client.read(bigCsv(60_000), 'lon.csv', context);
    client.cancel();
    expect(await third).toBeNull();
    client.dispose();
  });

  it('a broken file comes back as its problem', async () => {
    const client = channelClient();
    const read = (await client.read(fixture('truncated.xlsx'), 'truncated.xlsx', context))!;
    expect(read.result.ok ? null : read.result.error.code).toBe('import.xlsx-damaged');
    client.dispose();
  });

  it('runs on the main thread when no worker can start', async () => {
    const client = new ImportClient(false);
    expect(client.mode).toBe('main-thread');
    const read = (await client.read(fixture('plan-en.csv'), 'plan-en.csv', context))!;
    const lines = await client.lines(read);
    expect(lines.ok && lines.value).toHaveLength(3);
  });
});
