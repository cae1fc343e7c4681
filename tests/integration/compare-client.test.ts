// The client's comparison call: the answer is the domain's comparison of the same request, and a
// newer comparison supersedes an older one still under way (latest wins).
import { describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { RecalcClient } from '../../src/engine/recalc-client';
import { createRecalcService } from '../../src/engine/recalc-core';
import { COMPARE_MEASURES, COMPARE_TOTAL, compareScenarios, rowDelta } from '../../src/domain/compare';
import { compareRequest, groupLines, prepareComparison } from '../../src/domain/compare-request';
import { buildDemoWorkbook } from '../../src/domain/demo';
import { orderTree } from '../../src/domain/tree';

/** A client talking to the recalculation service over a message channel, as to a real worker. */
function channelWorkerClient(): RecalcClient {
  const real = globalThis.Worker;
  globalThis.Worker = function worker() {
    const channel = new MessageChannel();
    Comlink.expose(createRecalcService(), channel.port2);
    return Object.assign(channel.port1, { terminate: () => channel.port1.close() });
  } as unknown as typeof Worker;
  try {
    return new RecalcClient(true);
  } finally {
    globalThis.Worker = real;
  }
}

describe('RecalcClient.compare', () => {
  const d = buildDemoWorkbook();
  const prepared = prepareComparison(orderTree(d.nodes), [
    { workbook: d.workbook, lines: d.lines },
    { workbook: d.workbook, lines: d.lines.map((l, i) => (i === 0 ? { ...l, plan: l.plan + 1_000_000 } : l)) },
  ]);
  const rows = { measures: [...COMPARE_MEASURES], onlyChanged: true, sortByChange: false };

  it('answers with the comparison the domain computes, and only the latest of two requests', async () => {
    const client = channelWorkerClient();
    const first = client.compare(compareRequest(prepared, 'project', null, rows));
    const second = client.compare(compareRequest(prepared, 'project', null, { ...rows, onlyChanged: false }));
    expect(await first).toBeNull();
    const answer = (await second)!;
    if (!answer.ok) throw new Error(answer.error.code);
    const got = answer.value;
    const want = compareScenarios(compareRequest(prepared, 'project', null, { ...rows, onlyChanged: false }));
    expect(got).toEqual(want);
    expect(rowDelta(got, 'plan', 1, COMPARE_TOTAL)).toBe(1_000_000);
    expect(client.mode).toBe('worker');
    client.dispose();
  });

  it('computes on the main thread when no worker can run', async () => {
    const client = new RecalcClient(false);
    const got = await client.compare(compareRequest(prepared, 'project', null, rows));
    expect(got?.ok && got.value.rows).toEqual(compareScenarios(compareRequest(prepared, 'project', null, rows)).rows);
  });

  it('keeps the scenarios rolled up: columns sent once need not be sent again, unknown ones are asked for', async () => {
    const client = channelWorkerClient();
    const full = await client.compare(compareRequest(prepared, 'project', null, rows));
    const again = await client.compare(compareRequest(prepared, 'unit', groupLines(prepared, 'unit'), rows, false));
    expect(full?.ok && again?.ok).toBe(true);
    if (!again?.ok) return;
    expect(again.value).toEqual(compareScenarios(compareRequest(prepared, 'unit', groupLines(prepared, 'unit'), rows)));
    const other = prepareComparison(orderTree(d.nodes), [{ workbook: d.workbook, lines: d.lines }]);
    const missing = await client.compare(compareRequest(other, 'project', null, rows, false));
    expect(missing).toEqual({ ok: false, error: { code: 'compare.columns-missing', params: { key: `${other.id}/0` } } });
    client.dispose();
  });
});
