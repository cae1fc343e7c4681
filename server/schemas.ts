// The shape of every request body and query the server takes, checked before anything is read or
// written; a body that does not fit is refused with request.invalid naming where and why. Unknown
// keys are refused too (strict objects), except inside records, whose fields belong to the app's
// model and may come from a newer version of it.

import { z } from 'zod';
import { RECORD_KINDS } from '../src/domain/sync';
import { ROLES } from './auth';
import type { ServerResult } from './messages';

const text = (max: number) => z.string().max(max);
const name = z.string().trim().min(1).max(200);

export const loginBody = z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) });

export const newOrganisationBody = z.strictObject({ name });

export const newUserBody = z.strictObject({
  orgId: z.string().min(1).max(100),
  username: z.string().regex(/^[A-Za-z0-9._-]{3,64}$/, 'letters, digits, . _ - (3 to 64)'),
  displayName: name,
  role: z.enum(ROLES),
  password: z.string().min(10, 'at least 10 characters').max(1000),
});

export const newWorkbookBody = z.strictObject({
  id: z.uuid().optional(),
  name,
  year: z.int().min(1990).max(2200),
});

/** A record of the app's model: an id, and whatever fields the app gives it. */
const record = z.looseObject({ id: z.string().min(1).max(200) });
const recordChange = z
  .strictObject({ before: record.nullable(), after: record.nullable() })
  .refine((c) => c.before !== null || c.after !== null, 'before and after cannot both be null');
const changeList = z.array(recordChange).max(100_000);

export const syncChange = z.strictObject({
  lines: changeList.optional(),
  nodes: changeList.optional(),
  places: changeList.optional(),
  rules: changeList.optional(),
  scenarios: changeList.optional(),
  workbook: recordChange.optional(),
  scenario: recordChange.optional(),
});

export const syncOperation = z.strictObject({
  opId: z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'an id of 8 to 100 letters, digits, - or _ (a UUID)'),
  baseSeq: z.int().min(0),
  scenarioId: z.string().min(1).max(200).nullable().optional(),
  change: syncChange,
});

export const pushBody = (maxOps: number) => z.strictObject({ ops: z.array(syncOperation).min(1).max(maxOps) });

const seq = z.coerce.number().int().min(0);

export const pullQuery = z.strictObject({ since: seq.default(0), limit: z.coerce.number().int().min(1).max(5000).default(1000) });

export const chunkQuery = z.strictObject({ after: text(2000).optional(), limit: z.coerce.number().int().min(1).max(10_000).default(2000) });

export const historyQuery = z.strictObject({ kind: z.enum(RECORD_KINDS), scope: text(200).default(''), id: z.string().min(1).max(200) });

/** The log's steps before a version (newest first), a page at a time. */
export const versionsQuery = z.strictObject({ before: seq.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

/** A workbook and one of its versions (a sequence of its log). */
export const versionParams = z.strictObject({ id: z.string().min(1).max(200), seq });

export const conflictsQuery = z.strictObject({ since: seq.default(0), limit: z.coerce.number().int().min(1).max(5000).default(1000) });

export const conflictParams = z.strictObject({ id: z.string().min(1).max(200), conflictId: z.coerce.number().int().min(1) });
export const decisionBody = z.strictObject({ decision: z.enum(['confirmed', 'reversed']) });

export const eventsQuery = z.strictObject({ since: seq.optional() });

export const submitBody = z.strictObject({ note: text(2000).default('') });
export const returnBody = z.strictObject({ comment: z.string().trim().min(1, 'say what to change').max(4000) });
export const approveBody = z.strictObject({ comment: text(4000).default('') });

export const idParam = z.strictObject({ id: z.string().min(1).max(200) });

/** The value if it fits the schema, else request.invalid with each issue's place and message. */
export function check<S extends z.ZodType>(schema: S, value: unknown): ServerResult<z.infer<S>> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return { ok: false, error: { code: 'request.invalid', params: { detail }, issues } };
}
