// Reading an allocation rule from JSON (the headless command's input): checks the shape, accepts
// amounts as đồng numbers or as written text ("5.436 triệu", "1.338.216.000đ"), and names the
// field at fault. Returns { ok, value } or a Problem; never throws on bad input.

import type { Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import { parseAmount } from '../domain/amount';
import type { AllocationRecipient, AllocationRule } from '../domain/allocate';

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An amount in đồng from a JSON number (whole đồng) or text in vi-VN/en with an optional unit. */
function amount(v: Json, field: string): Result<number> {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? ok(v) : fail('rule.bad-field', { field, text: String(v) });
  if (typeof v === 'string') {
    const r = parseAmount(v, { unit: 'dong', locale: 'vi' });
    return r.ok ? ok(r.value.value) : fail('rule.bad-field', { field, text: v });
  }
  return fail('rule.bad-field', { field, text: JSON.stringify(v) ?? String(v) });
}

function optionalAmount(o: Record<string, Json>, key: string, field: string): Result<number | undefined> {
  return o[key] === undefined || o[key] === null ? ok(undefined) : amount(o[key], field);
}

/** The rule in `text`, or a Problem naming the first field that is wrong. */
export function readRuleJson(text: string): Result<AllocationRule> {
  let root: Json;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return fail('rule.not-json', { detail: (e as Error).message });
  }
  if (!isObj(root)) return fail('rule.bad-field', { field: '(root)', text: typeof root });
  const envelope = amount(root.envelope, 'envelope');
  if (!envelope.ok) return envelope;
  const unit = root.unit === undefined ? ok(1) : amount(root.unit, 'unit');
  if (!unit.ok) return unit;
  if (!Array.isArray(root.criteria)) return fail('rule.bad-field', { field: 'criteria', text: String(root.criteria) });
  const criteria = [];
  for (const [i, c] of root.criteria.entries()) {
    if (!isObj(c) || typeof c.key !== 'string' || typeof c.weight !== 'number' || !Number.isFinite(c.weight))
      return fail('rule.bad-field', { field: `criteria[${i}]`, text: JSON.stringify(c) });
    criteria.push({ key: c.key, weight: c.weight });
  }
  const reserved = [];
  for (const [i, r] of (Array.isArray(root.reserved) ? root.reserved : []).entries()) {
    if (!isObj(r) || typeof r.id !== 'string') return fail('rule.bad-field', { field: `reserved[${i}]`, text: JSON.stringify(r) });
    const a = optionalAmount(r, 'amount', `reserved[${i}].amount`);
    if (!a.ok) return a;
    if (r.percent !== undefined && typeof r.percent !== 'number') return fail('rule.bad-field', { field: `reserved[${i}].percent`, text: String(r.percent) });
    reserved.push({ id: r.id, label: typeof r.label === 'string' ? r.label : undefined, amount: a.value, percent: r.percent as number | undefined });
  }
  if (!Array.isArray(root.recipients)) return fail('rule.bad-field', { field: 'recipients', text: String(root.recipients) });
  const recipients: AllocationRecipient[] = [];
  for (const [i, p] of root.recipients.entries()) {
    if (!isObj(p) || (typeof p.id !== 'string' && typeof p.id !== 'number')) return fail('rule.bad-field', { field: `recipients[${i}].id`, text: JSON.stringify(p) });
    const values: AllocationRecipient['values'] = {};
    if (p.values !== undefined && !isObj(p.values)) return fail('rule.bad-field', { field: `recipients[${i}].values`, text: JSON.stringify(p.values) });
    for (const [k, v] of Object.entries(p.values ?? {})) values[k] = typeof v === 'number' || v === null ? v : Number.NaN;
    const rec: AllocationRecipient = { id: String(p.id), values };
    if (p.eligible !== undefined) rec.eligible = p.eligible !== false;
    for (const key of ['pinned', 'floor', 'cap'] as const) {
      const a = optionalAmount(p, key, `recipients[${i}].${key}`);
      if (!a.ok) return a;
      if (a.value !== undefined) rec[key] = a.value;
    }
    recipients.push(rec);
  }
  const floor = optionalAmount(root, 'floor', 'floor');
  if (!floor.ok) return floor;
  const cap = optionalAmount(root, 'cap', 'cap');
  if (!cap.ok) return cap;
  const rule: AllocationRule = { envelope: envelope.value, unit: unit.value, criteria, reserved, recipients };
  if (floor.value !== undefined) rule.floor = floor.value;
  if (cap.value !== undefined) rule.cap = cap.value;
  if (isObj(root.eligibility) && isObj(root.eligibility.minimum)) rule.eligibility = { minimum: root.eligibility.minimum as Record<string, number> };
  return ok(rule);
}
