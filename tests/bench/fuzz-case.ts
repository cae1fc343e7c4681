// One case of the fuzzing benchmark, in a process of its own: tests/bench/fuzz.bench-run.ts builds
// this for Node and runs it once per file. The file's bytes go through readImport (and through
// readBackupBytes for a .json), timed; then one line of JSON: the time, how far the process's
// resident memory (the JS heap and the buffers outside it) peaked above what it held before the
// reading, and each importer's outcome.

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { buildEmptyWorkbook } from '../../src/domain/demo';
import type { Result } from '../../src/domain/model';
import { readBackupBytes } from '../../src/io/backup';
import { readImport } from '../../src/io/import-plan';

const [path, name] = process.argv.slice(2);
// Loaded before the clock starts, as in a worker that has read a workbook before.
await import('@e965/xlsx');
const bytes = new Uint8Array(readFileSync(path));
const nodes = buildEmptyWorkbook('Fuzz', 2023).nodes;
// A thread of its own samples the process's memory every millisecond, also while the reading
// holds the main thread.
const sampler = new Worker(
  `const { parentPort } = require('node:worker_threads');
   let peak = 0;
   setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 1);
   parentPort.on('message', (m) => {
     parentPort.postMessage(peak);
     if (m === 'start') peak = 0;
     else process.exit(0);
   });`,
  { eval: true },
);
const ask = (m: 'start' | 'stop') =>
  new Promise<number>((resolve) => {
    sampler.once('message', resolve);
    sampler.postMessage(m);
  });
(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage.rss();
await ask('start');
const start = performance.now();
const read = await readImport(bytes, name, { workbookId: 'fuzz', year: 2023, nodes });
const backup = name.endsWith('.json') ? readBackupBytes(bytes) : null;
const ms = performance.now() - start;
const peak = Math.max(await ask('stop'), process.memoryUsage.rss());
const outcome = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);
process.stdout.write(JSON.stringify({ ms, peakMiB: Math.max(0, peak - before) / 2 ** 20, import: outcome(read), backup: backup && outcome(backup) }) + '\n');
