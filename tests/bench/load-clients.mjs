// Simulated browsers for the server's load benchmark, in a process of their own (so their work
// neither waits on the server's event loop nor counts in its CPU time): each logged-in user pushes one operation a second
// to a shared workbook (a plan edit of its own line, a fresh opId, the last sequence it has seen as
// its base), one push at a time, over Node's fetch (keep-alive); the first `streams` users also hold
// the live stream open and note when each operation reaches them. Sends the raw timings back.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const { origin, workbookId, scenarioId, users, seconds, streams } = await new Promise((resolve) => process.once('message', resolve));
const base = `${origin}/api/workbooks/${encodeURIComponent(workbookId)}`;
const latencies = [];
const errors = [];
const late = { count: 0 };
/** When each operation's push started, for the stream's delivery time. */
const sentAt = new Map();
const delivery = [];
let events = 0;
let streamErrors = 0;

const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function pushLoop(user, start, end) {
  let line = user.line;
  let lastSeq = user.lastSeq;
  // Spread over the second, as independent browsers are.
  let due = start + Math.random() * 1000;
  while (due < end) {
    const now = performance.now();
    if (now < due) await sleep(due - now);
    else if (now - due > 50) late.count++;
    const after = { ...line, plan: line.plan + 1000 };
    const op = { opId: randomUUID(), baseSeq: lastSeq, scenarioId, change: { lines: [{ before: line, after }] } };
    const t = performance.now();
    sentAt.set(op.opId, t);
    try {
      const res = await fetch(`${base}/ops`, {
        method: 'POST',
        headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ ops: [op] }),
      });
      const text = await res.text();
      latencies.push(performance.now() - t);
      if (res.status !== 200) errors.push(`${res.status} ${text.slice(0, 200)}`);
      else {
        lastSeq = Math.max(lastSeq, JSON.parse(text).lastSeq);
        line = after;
      }
    } catch (err) {
      latencies.push(performance.now() - t);
      errors.push(String(err));
    }
    due += 1000;
  }
}

/** Reads the live stream until the signal aborts it, timing each operation pushed by this worker. */
async function follow(user, signal) {
  try {
    const res = await fetch(`${base}/events?since=${user.lastSeq}`, { headers: { cookie: user.cookie, accept: 'text/event-stream' }, signal });
    if (res.status !== 200) {
      streamErrors++;
      return;
    }
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const bytes of res.body) {
      const now = performance.now();
      buffer += decoder.decode(bytes, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        events++;
        for (const op of JSON.parse(data.slice(6)).ops) {
          const t = sentAt.get(op.opId);
          if (t !== undefined) delivery.push(now - t);
        }
      }
    }
  } catch (err) {
    if (!signal.aborted) {
      streamErrors++;
      errors.push(`stream: ${err}`);
    }
  }
}

const abort = new AbortController();
const followers = users.slice(0, streams).map((u) => follow(u, abort.signal));
await sleep(500);
const start = performance.now() + 100;
const end = start + seconds * 1000;
await Promise.all(users.map((u) => pushLoop(u, start, end)));
const wall = performance.now() - start;
await sleep(1000);
abort.abort();
await Promise.allSettled(followers);
const cpu = process.cpuUsage();
process.send({ latencies, errors, late: late.count, delivery, events, streamErrors, wallMs: wall, clientCpuMs: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
