// Node: the fuzzing corpus (tests/fixtures/fuzz) and the files too large to commit
// (tests/unit/fuzz-giants.ts) through readImport, and readBackupBytes for JSON, each file in a
// process of its own (tests/bench/fuzz-case.ts, built here) so that its peak memory is its own.
// Three runs per file: the median time, the largest peak. Then what the workbook check costs a real
// file: the 100 000-line plan as the app exports it. RELIABILITY.md's "Fuzzing" copies these.

import { it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildGeneratedWorkbook } from '../../src/domain/demo';
import { planTable, planViewOf } from '../../src/io/export-plan';
import { writeTableXlsx } from '../../src/io/export-xlsx';
import { checkWorkbook } from '../../src/io/workbook-guard';
import { GIANT_FILES } from '../unit/fuzz-giants';
import { median, report } from './stats';

const RUNS = 3;

interface CaseResult {
  ms: number;
  peakMiB: number;
  import: string;
  backup: string | null;
}

it('fuzzing corpus: time and peak memory per file (Node, a process each)', async () => {
  // Inside node_modules, so that the built case finds SheetJS and papaparse as Node resolves them.
  const out = fileURLToPath(new URL('../../node_modules/.cache/planbench-fuzz-bench/', import.meta.url));
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: fileURLToPath(new URL('fuzz-case.ts', import.meta.url)),
      outDir: out,
      emptyOutDir: true,
      target: 'node20',
      rollupOptions: { output: { format: 'es', entryFileNames: 'fuzz-case.mjs' } },
    },
  });

  const corpus = fileURLToPath(new URL('../fixtures/fuzz/', import.meta.url));
  const giants = mkdtempSync(join(tmpdir(), 'planbench-fuzz-'));
  const cases = readdirSync(corpus)
    .filter((f) => f !== 'make-corpus.mjs')
    .sort()
    .map((name) => ({ name, path: join(corpus, name) }));
  for (const [name, make] of Object.entries(GIANT_FILES)) {
    writeFileSync(join(giants, name), make());
    cases.push({ name: `(in memory) ${name}`, path: join(giants, name) });
  }

  const results: { name: string; ms: number; peakMiB: number; outcome: string }[] = [];
  let crashed = 0;
  try {
    for (const c of cases) {
      const runs: CaseResult[] = [];
      for (let i = 0; i < RUNS; i++) {
        const file = c.name.replace(/^\(in memory\) /, '');
        const run = spawnSync(process.execPath, ['--expose-gc', join(out, 'fuzz-case.mjs'), c.path, file], { encoding: 'utf8', timeout: 120_000 });
        if (run.status !== 0) {
          crashed++;
          console.log(`${c.name}: exit ${run.status ?? run.signal}\n${run.stderr.slice(0, 500)}`);
          break;
        }
        runs.push(JSON.parse(run.stdout) as CaseResult);
      }
      if (runs.length === 0) continue;
      const outcome = c.name.endsWith('.json') ? `${runs[0].backup}` : runs[0].import;
      results.push({ name: c.name, ms: median(runs.map((r) => r.ms)), peakMiB: Math.max(...runs.map((r) => r.peakMiB)), outcome });
    }
  } finally {
    rmSync(giants, { recursive: true, force: true });
  }

  const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
  const largest = results.reduce((a, b) => (b.peakMiB > a.peakMiB ? b : a));
  const refused = results.filter((r) => r.outcome !== 'ok').length;
  report('Fuzzing: every file through the importers, a process each (summary)', [
    ['files (corpus + made in memory)', cases.length, 'files'],
    ['read (ok, problems listed)', results.length - refused, 'files'],
    ['refused with a problem', refused, 'files'],
    ['process crashed, threw or ran out of time', crashed, 'files', '0'],
    [`slowest: ${slowest.name} (${slowest.outcome})`, slowest.ms, 'ms'],
    [`largest peak memory: ${largest.name} (${largest.outcome})`, largest.peakMiB, 'MiB'],
    ['total time of all files', results.reduce((s, r) => s + r.ms, 0), 'ms'],
  ]);

  const settings = { unit: 'trieu', locale: 'vi', lang: 'vi' } as const;
  const plan = await writeTableXlsx(planTable(planViewOf(buildGeneratedWorkbook(100_000)), settings), settings);
  const checks: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    if (!(await checkWorkbook(plan, 'plan.xlsx')).ok) throw new Error('the plan export was refused');
    checks.push(performance.now() - t);
  }
  report('Fuzzing: the workbook check on a real file', [
    ['100 000-line plan export', plan.length / 2 ** 20, 'MiB'],
    ['checkWorkbook (unpack every part, scan the sheets)', median(checks), 'ms'],
  ]);
  report(
    'Fuzzing: time per file (readImport, and readBackupBytes for .json)',
    results.map((r) => [`${r.name} → ${r.outcome}`, r.ms, 'ms']),
  );
  report(
    'Fuzzing: peak memory per file, above the process before reading (resident set)',
    results.map((r) => [`${r.name} → ${r.outcome}`, r.peakMiB, 'MiB']),
  );
});
