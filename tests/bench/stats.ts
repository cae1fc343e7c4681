// Small helpers for benchmark figures: medians and a printed table that BENCHMARKS.md copies.
import { cpus, totalmem } from 'node:os';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function report(title: string, rows: [string, number | string, string, string?][]): void {
  const lines = [
    `\n## ${title}`,
    `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
  ];
  lines.push('| measure | median | unit | target |', '|---|---:|---|---|');
  for (const [name, value, unit, target] of rows) lines.push(`| ${name} | ${typeof value === 'number' ? value.toFixed(2) : value} | ${unit} | ${target ?? ''} |`);
  console.log(lines.join('\n'));
}

/** The p-th percentile (0–100) of xs, nearest rank; NaN when empty. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
