// The headless command: `planbench allocate RULE.json [--csv]` splits an envelope with the same
// engine the browser's worker runs, printing JSON (or CSV) on stdout, or the reason in Vietnamese
// and English on stderr with a non-zero exit code.

import { readFileSync } from 'node:fs';
import { splitEnvelope, type AllocationResult } from '../domain/allocate';
import { describeProblem } from '../domain/messages';
import type { Problem } from '../domain/model';
import { readRuleJson } from '../io/rule-json';

const USAGE = `Cách dùng / usage:
  planbench allocate RULE.json [--csv]   chia một nguồn vốn theo quy tắc / split an envelope by a rule`;

function explain(p: Problem): string {
  return `${describeProblem(p, 'vi')}\n${describeProblem(p, 'en')}`;
}

function toCsv(r: AllocationResult): string {
  const rows = ['id,score,exact,amount,bound'];
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  for (const p of r.parts) rows.push([q(p.id), p.score, p.exact, p.amount, p.bound].join(','));
  for (const res of r.reserved) rows.push([q(res.id), '', '', res.amount, 'reserved'].join(','));
  return rows.join('\n') + '\n';
}

/** Runs the command line; returns the exit code (0 ok, 1 rule cannot be split or read, 2 usage). */
export function run(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const [command, file, ...rest] = argv;
  if (command !== 'allocate' || !file) {
    err(USAGE + '\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(explain({ code: 'rule.unreadable', params: { file, detail: (e as Error).message } }) + '\n');
    return 1;
  }
  const rule = readRuleJson(text);
  if (!rule.ok) {
    err(explain(rule.error) + '\n');
    return 1;
  }
  const result = splitEnvelope(rule.value);
  if (!result.ok) {
    err(explain(result.error) + '\n');
    return 1;
  }
  out(rest.includes('--csv') ? toCsv(result.value) : JSON.stringify(result.value, null, 2) + '\n');
  return 0;
}

process.exitCode = run(
  process.argv.slice(2),
  (s) => process.stdout.write(s),
  (s) => process.stderr.write(s),
);
