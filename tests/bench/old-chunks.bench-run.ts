// Browser: one edit saved in a 100 000-line workbook stored as workbooks were before lines were
// packed 100 to a chunk (1 000-line chunks), typed in the built app: the first edit in each chunk
// (its transaction splits the chunk into chunks of 100), later edits of lines of the same chunks,
// and the same edits in a workbook stored in today's 100-line chunks, in the same page for comparison.
import { inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openGenerated } from './open-generated';
import { median, report } from './stats';

const baseUrl = inject('baseUrl');
const LINES = 100_000;
const OLD_CHUNK = 1_000;

/** Edits the plan of lines in `chunks` different stored chunks: each chunk's first line once (first edits), then `later` more lines of each. */
function editChunks(page: Page, chunks: number, later: number) {
  return page.evaluate(
    async ({ chunks, later }) => {
      const pb = (globalThis as any).planbench;
      const hot = pb.hot();
      const session = pb.app.session;
      const planCol = 6;
      // Rows of lines by the chunk their line is stored in, read before any edit moves them.
      const byChunk = new Map<number, number[]>();
      for (let r = 0; r < session.rows.length; r++) {
        const i = session.rows[r];
        if (i < 0) continue;
        const no = session.storedChunkOf(session.lines[i].id);
        let rows = byChunk.get(no);
        if (!rows) byChunk.set(no, (rows = []));
        rows.push(r);
      }
      const picked = [...byChunk.values()].filter((rows) => rows.length > later).slice(0, chunks);
      const totalCell = () => document.querySelector('.ht_clone_bottom tbody tr td[aria-colindex="7"]')!.textContent;
      const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
      // As browser.bench-run.ts types an amount: the new total painted, the save done, a frame.
      const edit = async (row: number, v: number) => {
        const before = totalCell();
        hot.setDataAtCell(row, planCol, String(v));
        while (totalCell() === before) await nextFrame();
        await pb.flush();
        const out = { saved: pb.lastSaveMs() as number, commit: pb.lastCommitMs() as number };
        await nextFrame();
        return out;
      };
      const first: { saved: number; commit: number }[] = [];
      const next: { saved: number; commit: number }[] = [];
      let v = 1000;
      for (const rows of picked) first.push(await edit(rows[0], v++));
      for (let k = 1; k <= later; k++) for (const rows of picked) next.push(await edit(rows[Math.floor((k * rows.length) / (later + 1))], v++));
      // The chunks holding the lines edited, as stored now: split to at most 100 lines, or not.
      const held: (unknown[] | undefined)[] = session.held().chunks;
      const sizes = picked.flat().map((r) => held[session.storedChunkOf(session.lines[session.rows[r]].id)]?.length ?? 0);
      return { first, next, largest: Math.max(...sizes) };
    },
    { chunks, later },
  );
}

it('one edit saved in a workbook stored in 1 000-line chunks (Chromium)', async () => {
  const { browser, page } = await openGenerated(baseUrl, LINES, OLD_CHUNK);
  const old = await editChunks(page, 10, 4);
  // The same in a workbook stored in today's chunks, in the same page.
  await page.evaluate(async (n) => {
    const pb = (globalThis as any).planbench;
    await pb.open(await pb.generate(n));
  }, LINES);
  const today = await editChunks(page, 10, 4);
  await browser.close();
  const saved = (xs: { saved: number }[]) => median(xs.map((x) => x.saved));
  const commit = (xs: { commit: number }[]) => median(xs.map((x) => x.commit));
  report(`One edit saved, ${LINES.toLocaleString('en')} lines (Chromium)`, [
    [`1 000-line chunks: first edit in a chunk, edit to transaction done (${old.first.length} chunks)`, saved(old.first), 'ms', '≤ 20 ms'],
    ['  … of which the IndexedDB transaction', commit(old.first), 'ms'],
    [`1 000-line chunks: later edits in the same chunks (${old.next.length})`, saved(old.next), 'ms', '≤ 20 ms'],
    ['  … of which the IndexedDB transaction', commit(old.next), 'ms'],
    ['1 000-line chunks: largest chunk holding a line of the chunks edited, afterwards', old.largest, 'lines'],
    [`100-line chunks: an edit (${today.first.length + today.next.length})`, saved([...today.first, ...today.next]), 'ms', '≤ 20 ms'],
    ['  … of which the IndexedDB transaction', commit([...today.first, ...today.next]), 'ms'],
  ]);
});
