#!/usr/bin/env node
// Lists the production dependencies (what ships in the app and the command line), each with the
// release date of the locked version and the newest version with its date, from the registry in
// use; flags those whose locked release is more than two years old. `npm run deps:age`.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const prod = Object.entries(lock.packages)
  .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.devOptional)
  .map(([path, p]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version: p.version }));
const unique = [...new Map(prod.map((p) => [`${p.name}@${p.version}`, p])).values()].sort((a, b) => a.name.localeCompare(b.name));

const TWO_YEARS = 2 * 365 * 24 * 3600 * 1000;
const rows = [];
let old = 0;
for (const { name, version } of unique) {
  let time = {};
  let latest = '?';
  try {
    const info = JSON.parse(execFileSync('npm', ['view', name, 'time', 'dist-tags.latest', '--json'], { encoding: 'utf8', timeout: 60_000 }));
    time = info.time ?? {};
    latest = info['dist-tags.latest'] ?? '?';
  } catch {
    // The registry did not answer for this package: shown as unknown, not skipped.
  }
  const released = time[version]?.slice(0, 10) ?? '?';
  const stale = time[version] && Date.now() - Date.parse(time[version]) > TWO_YEARS;
  if (stale) old++;
  rows.push(`${stale ? '!' : ' '} ${name}@${version}  released ${released}  latest ${latest} (${time[latest]?.slice(0, 10) ?? '?'})`);
}
console.log(`Production dependencies: ${unique.length}; locked release older than two years: ${old} (marked !)`);
for (const r of rows) console.log(r);
