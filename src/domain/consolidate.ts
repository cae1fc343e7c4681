// Consolidating district workbooks into a province workbook: each district becomes a place under
// the province and its lines are tagged with that place; a district's backup is mapped onto the
// province's tree; a line that repeats for the same district (same item, implementing unit,
// source, capital type and vintage) is reported, never silently summed; totals by place.
// Pure: the session applies the result as one change (see import-change.ts).

import type { Id, Line, Place, TreeNode, Workbook, WorkbookData } from './model';
import type { IncomingNode, IncomingPlan } from './import-change';
import type { Change } from './edit';
import { sameLineKey } from './import-change';
import { foldForMatch, foldToKey, normalizeText } from './text';

const PLACE_WORDS = /(?:^|[\s(,;:])((?:huyện|thành phố|thị xã|quận)\s+[^,;:()\n]+?)(?=\s*(?:[,;:()\n]|$|\s(?:tỉnh|năm|ngày|thuộc)\b))/iu;

/** "HUYỆN CAO LỘC" → "Huyện Cao Lộc"; text in mixed case keeps its case, but its first letter. */
function titleCase(s: string): string {
  const t = s === s.toUpperCase() ? s.toLowerCase().replace(/(^|\s)(\p{L})/gu, (_, sp: string, c: string) => sp + c.toUpperCase()) : s;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** The district a file speaks for, from its texts (place name, titles, file name) in order: the
 * first "huyện …", "thành phố …", "thị xã …" or "quận …" named; else the first text that is not
 * empty (the file's name without its extension). */
export function guessDistrictName(texts: readonly string[]): string {
  for (const raw of texts) {
    const m = PLACE_WORDS.exec(normalizeText(raw));
    if (m) return titleCase(m[1].trim());
  }
  const first = texts.map((t) => normalizeText(t).replace(/\.[a-z0-9]{2,5}$/i, '')).find(Boolean);
  return first ?? '';
}

/** What consolidating one district needs of the places: the province, the district, and what to add. */
export interface DistrictPlaces {
  province: Place;
  district: Place;
  /** Places to add (the province when the workbook had none, the district when new). */
  added: Place[];
}

/**
 * The province place (the workbook's 'province' place, else a new one named after the workbook's
 * place) and the district named `name` under it: an existing district of that name (case, accents
 * and "Ð" folded) or a new one. Never two districts of the same name.
 */
export function districtPlaces(places: readonly Place[], workbook: Pick<Workbook, 'id' | 'placeName'>, name: string, makeId: () => Id): DistrictPlaces {
  const added: Place[] = [];
  let order = places.reduce((m, p) => Math.max(m, p.order + 1), 0);
  let province = places.find((p) => p.kind === 'province');
  if (!province) {
    province = {
      id: makeId(),
      workbookId: workbook.id,
      parentId: null,
      code: '',
      name: normalizeText(workbook.placeName) || 'Tỉnh',
      kind: 'province',
      values: {},
      order: order++,
    };
    added.push(province);
  }
  const key = foldForMatch(name);
  let district = places.find((p) => p.kind === 'district' && foldForMatch(p.name) === key);
  if (!district) {
    district = { id: makeId(), workbookId: workbook.id, parentId: province.id, code: '', name: normalizeText(name), kind: 'district', values: {}, order: order++ };
    added.push(district);
  }
  return { province, district, added };
}

/** An incoming line the workbook already holds for the same place, or that the file holds twice. */
export interface DuplicateLine {
  incoming: Line;
  /** The workbook's line ('workbook'), or the file's earlier line of the same key ('file'). */
  other: Line;
  where: 'workbook' | 'file';
}

/**
 * The incoming lines of a district that repeat a line: one the workbook already holds for the
 * same place (from an earlier file of that district), or an earlier line of the same file. Lines
 * are compared by sameLineKey with `placeId` set on the incoming ones.
 */
export function findDuplicateLines(existing: readonly Line[], incoming: readonly Line[], placeId: Id): DuplicateLine[] {
  const held = new Map<string, Line>();
  for (const l of existing) if (l.placeId === placeId) held.set(sameLineKey(l), l);
  const seen = new Map<string, Line>();
  const out: DuplicateLine[] = [];
  for (const l of incoming) {
    const key = sameLineKey({ ...l, placeId });
    const w = held.get(key);
    const f = seen.get(key);
    if (w) out.push({ incoming: l, other: w, where: 'workbook' });
    else if (f) out.push({ incoming: l, other: f, where: 'file' });
    seen.set(key, l);
  }
  return out;
}

/**
 * A district's workbook (its baseline, e.g. from a backup) as lines of the province's tree: each of
 * its items matched by code, else by name under the matched parent; an item the province lacks is
 * added under its matched parent (fresh id). Lines get fresh ids; their place is set on import.
 */
export function incomingFromWorkbook(
  district: Pick<WorkbookData, 'nodes' | 'lines'>,
  target: { workbookId: Id; nodes: readonly TreeNode[] },
  makeId: () => Id,
  lineId: (line: Line) => Id = () => makeId(),
): IncomingPlan {
  const byCode = new Map<string, TreeNode>();
  for (const n of target.nodes) if (n.code && !byCode.has(foldToKey(n.code))) byCode.set(foldToKey(n.code), n);
  const byParentName = new Map<string, TreeNode>();
  for (const n of target.nodes) byParentName.set(`${n.parentId ?? ''}|${foldForMatch(n.name)}`, n);
  const nextOrder = new Map<Id | null, number>();
  for (const n of target.nodes) nextOrder.set(n.parentId, Math.max(nextOrder.get(n.parentId) ?? 0, n.order + 1));

  const sourceById = new Map(district.nodes.map((n) => [n.id, n]));
  const mapped = new Map<Id, IncomingNode>();
  const mapNode = (id: Id, seen: Set<Id> = new Set()): IncomingNode | null => {
    const got = mapped.get(id);
    if (got) return got;
    const n = sourceById.get(id);
    if (!n || seen.has(id)) return null;
    seen.add(id);
    const parent = n.parentId === null ? null : mapNode(n.parentId, seen);
    const parentId = parent?.node.id ?? null;
    const match = (n.code ? byCode.get(foldToKey(n.code)) : undefined) ?? byParentName.get(`${parentId ?? ''}|${foldForMatch(n.name)}`);
    let entry: IncomingNode;
    if (match) entry = { node: match, status: 'matched' };
    else {
      const order = nextOrder.get(parentId) ?? 0;
      nextOrder.set(parentId, order + 1);
      const node: TreeNode = { id: makeId(), workbookId: target.workbookId, parentId, code: n.code, name: n.name, order };
      byParentName.set(`${parentId ?? ''}|${foldForMatch(n.name)}`, node);
      if (n.code) byCode.set(foldToKey(n.code), node);
      entry = { node, status: 'new' };
    }
    mapped.set(id, entry);
    return entry;
  };
  const lines: IncomingPlan['lines'][number][] = [];
  for (const { allocation: _rule, ...l } of district.lines) {
    const node = mapNode(l.nodeId);
    // The district's own places and rules stay with it: the line is the district's as a whole.
    if (node) lines.push({ line: { ...l, id: lineId(l as Line), nodeId: node.node.id, placeId: null }, invalid: [] });
  }
  return { nodes: [...mapped.values()], lines };
}

/** A place's money: plan by source, total plan and disbursed, in đồng, and its line count. */
export interface PlaceTotals {
  placeId: Id | null;
  name: string;
  kind: Place['kind'] | null;
  lines: number;
  plan: number;
  central: number;
  local: number;
  other: number;
  disbursed: number;
}

export interface TotalsByPlace {
  /** Districts first (in the places' order), then other places with lines, then lines with no place. */
  rows: PlaceTotals[];
  total: PlaceTotals;
  /** A sum passed 2^53 đồng: figures are no longer exact. */
  overflow: boolean;
}

/**
 * The plan and disbursed money of each place, summed over its lines (a district's communes roll
 * into the district when their place's parent is it); the rows add up to the total exactly.
 */
export function totalsByPlace(lines: readonly Line[], places: readonly Place[]): TotalsByPlace {
  const byId = new Map(places.map((p) => [p.id, p]));
  const districtOf = (id: Id | null): Id | null => {
    const seen = new Set<Id>();
    for (let p = id === null ? undefined : byId.get(id); p && !seen.has(p.id); p = p.parentId ? byId.get(p.parentId) : undefined) {
      if (p.kind === 'district') return p.id;
      seen.add(p.id);
    }
    return id;
  };
  const empty = (placeId: Id | null): PlaceTotals => {
    const p = placeId === null ? undefined : byId.get(placeId);
    return { placeId, name: p?.name ?? '', kind: p?.kind ?? null, lines: 0, plan: 0, central: 0, local: 0, other: 0, disbursed: 0 };
  };
  const rows = new Map<Id | null, PlaceTotals>();
  const total = empty(null);
  const add = (t: PlaceTotals, l: Line) => {
    t.lines++;
    t.plan += l.plan;
    t[l.source] += l.plan;
    t.disbursed += l.disbursed;
  };
  for (const l of lines) {
    const key = districtOf(l.placeId);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = empty(key)));
    add(row, l);
    add(total, l);
  }
  const rank = (t: PlaceTotals) => (t.placeId === null ? 2 : t.kind === 'district' ? 0 : 1);
  const order = (t: PlaceTotals) => (t.placeId === null ? 0 : (byId.get(t.placeId)?.order ?? 0));
  const sorted = [...rows.values()].sort((a, b) => rank(a) - rank(b) || order(a) - order(b));
  const overflow = [total.plan, total.disbursed].some((v) => !Number.isSafeInteger(v));
  return { rows: sorted, total, overflow };
}

/** A district's version brought into the province's workbook: the change, and what it did. */
export interface DistrictReplacement {
  change: Change;
  added: number;
  updated: number;
  removed: number;
  /** Lines of the version that repeat another of its lines (same item, unit, source, capital, vintage): kept apart, never summed, and said. */
  duplicates: DuplicateLine[];
}

/**
 * The change that makes the lines a district holds in the province's workbook those of its latest
 * version (e.g. the one the province approved): the version mapped onto the province's tree
 * (items it lacks added), each line under an id fixed by the district's place and its own id, so
 * a line already brought in is updated in place, a line gone from the version is removed, and a
 * version brought in again changes nothing. A district's lines are replaced, never added to: no
 * line is counted twice.
 */
export function replaceDistrictLines(
  target: { workbookId: Id; nodes: readonly TreeNode[]; lines: readonly Line[] },
  district: Pick<WorkbookData, 'nodes' | 'lines'>,
  placeId: Id,
  places: readonly Place[],
  makeId: () => Id,
): DistrictReplacement {
  const incoming = incomingFromWorkbook(district, target, makeId, (l) => `${placeId}~${l.id}`);
  const held = new Map(target.lines.filter((l) => l.placeId === placeId).map((l) => [l.id, l]));
  const lines: Change['lines'] = [];
  let added = 0;
  let updated = 0;
  const tagged = incoming.lines.map((x) => ({ ...x.line, placeId }));
  for (const after of tagged) {
    const before = held.get(after.id);
    held.delete(after.id);
    if (!before) {
      lines.push({ before: null, after });
      added++;
    } else if (!sameRecord(before, after)) {
      lines.push({ before, after });
      updated++;
    }
  }
  for (const before of held.values()) lines.push({ before, after: null });
  const nodes = incoming.nodes.filter((n) => n.status === 'new').map((n) => ({ before: null, after: n.node }));
  const change: Change = {};
  if (lines.length) change.lines = lines;
  if (nodes.length) change.nodes = nodes;
  if (places.length) change.places = places.map((after) => ({ before: null, after }));
  return { change, added, updated, removed: held.size, duplicates: findDuplicateLines([], tagged, placeId).filter((d) => d.where === 'file') };
}

/** Whether two records hold the same fields with the same values (key order aside). */
function sameRecord(a: object, b: object): boolean {
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => JSON.stringify((a as Record<string, unknown>)[k]) === JSON.stringify((b as Record<string, unknown>)[k]));
}
