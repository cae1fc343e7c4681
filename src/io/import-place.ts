// What each row of an imported table is for the workbook, along the file's own shape (row-tree.ts):
// the workbook's item it names (by code, by the code its name states, by name under its parent
// first), a new item placed under its parent, a district or commune under an item (that item's
// money there), a work listed in such a place, a section over items that names none of them
// ("I. Cấp tỉnh", "I. Huyện Bình Gia": its label and place go to the lines below), a row of the
// item the table's title names, or a line listed, broken down or repeated under another row.
// Pure: reads texts, never amounts.

import type { Id, Place, TreeNode } from '../domain/model';
import { foldForMatch, foldToKey, normalizeText } from '../domain/text';
import { newId } from '../domain/ids';
import { codeInName } from './column-map';
import type { ImportProblem } from './import-types';
import type { RowTree } from './row-tree';
import { bottomUp, childrenOf, topDown } from './row-tree';
import { PLACE_KIND, namesPlaceKind } from './row-words';
import type { ImportedNode } from './import-plan';

// ---------------------------------------------------------------------------------------------
// Matching rows to the tree

/** The name without a leading "Dự án 3:", "Tiểu dự án 1 -", "DA3.TDA1" or "1." prefix. */
export const bareName = (name: string): string =>
  normalizeText(name)
    .replace(/^(?:(?:tiểu\s+)?dự\s+án|t?da|(?:sub-?\s*)?project)\s*\d+(?:\s*[-–:,.]?\s*(?:tiểu\s+dự\s+án|tda|sub-?\s*project)\s*\d+)?\s*[:.\-–]?\s*/iu, '')
    .replace(/^da\d+(?:\.tda\d+)?\s*[:.\-–]?\s*/iu, '')
    .replace(/^(?:[IVXLCDM]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]\s+/u, '')
    .trim();

// The first two characters of a name that may start with a project word, a code or a numbering.
const ITEM_HEAD = /^(?:ti|dự|dư|du|da|pr|su|[ivxlcdm]+(?:[\s.)]|$)|[a-zđ](?:[\s.)]|$)|\d|ð)/iu;

// A folded name that codeInName or bareName could read differently: a project word or a numbering.
const ITEM_PREFIX = /^(?:tiểu dự án|dự án|t?da|sub-?\s*project|project|[ivxlcdm]+\s*[.)]|\d|[a-zđ]\s*[.)])/u;

/** The workbook's tree, indexed for matching. */
export class TreeIndex {
  readonly byId = new Map<Id, TreeNode>();
  private byCode = new Map<string, TreeNode>();
  private byName = new Map<string, TreeNode[]>();
  private nextOrder = new Map<Id | null, number>();
  private codeKeys = new Map<string, string>();
  /** The first two letters, lower-cased, of every name and bare name (a cheap test before folding). */
  private heads = new Set<string>();

  constructor(nodes: readonly TreeNode[]) {
    for (const n of nodes) this.add(n);
  }

  add(n: TreeNode): void {
    this.byId.set(n.id, n);
    for (const text of [n.name, bareName(n.name)]) this.heads.add(normalizeText(text).slice(0, 2).toLowerCase());
    const code = foldToKey(n.code);
    if (code && !this.byCode.has(code)) this.byCode.set(code, n);
    for (const key of new Set([foldForMatch(n.name), foldForMatch(bareName(n.name))])) {
      if (!key) continue;
      const list = this.byName.get(key) ?? [];
      list.push(n);
      this.byName.set(key, list);
    }
    this.nextOrder.set(n.parentId, Math.max(this.nextOrder.get(n.parentId) ?? 0, n.order + 1));
  }

  code(code: string): TreeNode | undefined {
    let key = this.codeKeys.get(code);
    if (key === undefined) {
      key = foldToKey(code);
      if (this.codeKeys.size < 4096) this.codeKeys.set(code, key);
    }
    return this.byCode.get(key);
  }

  /**
   * A node by name: the one under `parentId` first. Else the only one of the nodes the workbook had
   * (`had`) that lies inside the nearest of the row's file ancestors the workbook had too: a district
   * listed under two projects is two nodes, never the first project's twice.
   */
  name(name: string, parentId: Id | null, had: (id: Id) => boolean): TreeNode | undefined {
    const candidates = new Set<TreeNode>();
    for (const key of [foldForMatch(name), foldForMatch(bareName(name))]) for (const n of this.byName.get(key) ?? []) candidates.add(n);
    const list = [...candidates];
    const under = list.find((n) => n.parentId === parentId);
    if (under) return under;
    const scope = parentId === null ? null : ([parentId, ...this.ancestorsOf(parentId)].find(had) ?? null);
    const pool = list.filter((n) => had(n.id) && (scope === null || this.ancestorsOf(n.id).includes(scope)));
    return pool.length === 1 ? pool[0] : undefined;
  }

  /** Whether a name names one of the tree's items, by the code it states or by name anywhere.
   * Folds the name once; only a name with a prefix ("Dự án 3:", "1.", "a)") is read further. */
  namesItem(name: string): boolean {
    // Most rows name no item: their first letters, lower-cased, are no item name's nor a prefix's.
    const head = normalizeText(name.slice(0, 4)).slice(0, 2).toLowerCase();
    if (!this.heads.has(head) && !ITEM_HEAD.test(head)) return false;
    const key = foldForMatch(name);
    if (this.byName.has(key)) return true;
    if (!ITEM_PREFIX.test(key)) return false;
    const implied = codeInName(name, null);
    return (implied !== null && this.code(implied) !== undefined) || this.byName.has(foldForMatch(bareName(name)));
  }

  /** The parent a new code implies: the longest existing code it extends (DA3.TDA1.x → DA3.TDA1). */
  parentByCode(code: string): TreeNode | undefined {
    const parts = code.split('.');
    for (let k = parts.length - 1; k > 0; k--) {
      const p = this.code(parts.slice(0, k).join('.'));
      if (p) return p;
    }
    return undefined;
  }

  takeOrder(parentId: Id | null): number {
    const o = this.nextOrder.get(parentId) ?? 0;
    this.nextOrder.set(parentId, o + 1);
    return o;
  }

  /** Ids of a node's ancestors, nearest first (a cycle in a damaged tree stops the walk). */
  ancestorsOf(id: Id): Id[] {
    const out: Id[] = [];
    for (let n = this.byId.get(id); n && n.parentId !== null && !out.includes(n.parentId); n = this.byId.get(n.parentId)) out.push(n.parentId);
    return out;
  }
}

/** How high a place its name's kind word says: 0 a province, 1 a district (huyện, quận, thị xã,
 * thành phố), 2 a commune (xã, phường, thị trấn); null for a name that names no place's kind. */
export function placeKindRank(name: string): number | null {
  const text = normalizeText(name).replace(/^[-–+•*]\s*/u, '');
  if (!namesPlaceKind(text)) return /^tỉnh\s+\p{Lu}/u.test(text) ? 0 : null;
  const kind = foldForMatch(PLACE_KIND.exec(text)![0])
    .replace(/^ubnd\s+/u, '')
    .trim();
  return /^(?:xã|phường|thị\s+trấn|tt\.?)$/u.test(kind) ? 2 : 1;
}

/** The workbook's places by name, with or without the word for their kind. */
export class PlaceIndex {
  private byName = new Map<string, Id | null>();
  constructor(places: readonly Pick<Place, 'id' | 'name'>[]) {
    for (const p of places) {
      for (const key of new Set([foldForMatch(p.name), foldForMatch(placeBareName(p.name))])) {
        // A name two places share names neither.
        if (key) this.byName.set(key, this.byName.has(key) && this.byName.get(key) !== p.id ? null : p.id);
      }
    }
  }

  /** For a row's name: the place's id, null for a place the workbook does not have (its name
   * says it is one: "Huyện …", "Xã …"), undefined for a name that names no place. */
  find(name: string): Id | null | undefined {
    const text = normalizeText(name).replace(/^[-–+•*]\s*/u, '');
    const known = this.byName.size === 0 ? undefined : (this.byName.get(foldForMatch(text)) ?? this.byName.get(foldForMatch(placeBareName(text))));
    if (known) return known;
    // The kind word must be followed by a capital or a number: "Xã hội hoá" names no place.
    return namesPlaceKind(text) ? null : undefined;
  }
}

const placeBareName = (name: string): string => {
  const text = normalizeText(name);
  return namesPlaceKind(text) ? text.replace(PLACE_KIND, '').trim() : text;
};

// ---------------------------------------------------------------------------------------------
// Rows → meanings

/** What a row is for the workbook. item: it names an item (matched or new), its lines and figures
 * are that item's; place: a district or commune under an item (or under the title's item), that
 * item's money there; work: a work listed in such a place, a line of the item there; section: a row
 * over items that names none of them, its label and place go to the lines below; line: listed under
 * a coded row, breaking the row above down, or repeating it; none: blank, caption or total. */
export type RowMeaning = 'item' | 'place' | 'work' | 'section' | 'line' | 'none';

/** A section a row lies in: its label, and its place when the workbook has it. */
export interface Section {
  label: string;
  placeId: Id | null;
}

export interface Placement {
  /** Per table.rows index. */
  meaning: RowMeaning[];
  /** The item whose money the row holds (an item row's own node); null for sections and others. */
  node: (Id | null)[];
  /** What the row's lines are labelled with when the file's note columns say nothing. */
  label: string[];
  /** The place the row's lines are in. */
  placeId: (Id | null)[];
  /** The innermost section around the row (labels of nested sections joined), or null. */
  section: (Section | null)[];
  /** Rows whose figures are their item's whole: an item named by one row only, in no section. */
  statesNode: Uint8Array;
  /** Every item a row names, in the order the file first names them. */
  imported: Map<Id, ImportedNode>;
}

/** What placement needs of the table and the workbook. */
export interface PlacementInput {
  tree: RowTree;
  /** STT cell as written, per table.rows index. */
  stt: (i: number) => string;
  code: (i: number) => string;
  name: (i: number) => string;
  /** 1-based sheet row of a table.rows index. */
  sheetRow: (i: number) => number;
  nodes: readonly TreeNode[];
  places: readonly Pick<Place, 'id' | 'name'>[];
  workbookId: Id;
  /** The item the table's title names ("… Tiểu dự án 1 - Dự án 3"): rows naming no item are its. */
  titleItem: string | null;
  report: (p: Omit<ImportProblem, 'sheet'> & { row: number }) => void;
}

/** Each row's meaning, node, label and place, walking the file's shape from the top. */
export function placeRows(input: PlacementInput): Placement {
  const run = new RowPlacement(input);
  run.markItemsBelow();
  run.placeInFileOrder();
  return run.placement();
}

/** One placement of a table's rows: the file's shape, the workbook's tree and places indexed, what
 * each row is so far, and the items the rows name, matched or new. */
class RowPlacement {
  private readonly shape: RowTree;
  private readonly n: number;
  private readonly tree: TreeIndex;
  private readonly had: Set<Id>;
  private readonly places: PlaceIndex;
  private readonly meaning: RowMeaning[];
  private readonly node: (Id | null)[];
  private readonly label: string[];
  private readonly placeId: (Id | null)[];
  private readonly section: (Section | null)[];
  /** Inside an item, the place a row lies in (a commune over its works). */
  private readonly inPlace: ({ label: string; id: Id | null } | null)[];
  private readonly imported = new Map<Id, ImportedNode>();
  /** New items by parent and folded name: a new item named twice under the same parent is one. */
  private readonly newByParentName = new Map<string, TreeNode>();
  /** How many new items each parent has had so far (numbers a code made from no STT). */
  private readonly siblings = new Map<Id | null, number>();
  private readonly titleNode: TreeNode | null;
  /** Rows that name one of the workbook's items, by code or by name. */
  private readonly namesItem: Uint8Array;
  /** Rows with a row naming one of the workbook's items below them. */
  private readonly itemBelow: Uint8Array;

  constructor(private readonly input: PlacementInput) {
    const { tree: shape, nodes } = input;
    const n = shape.parent.length;
    this.shape = shape;
    this.n = n;
    this.tree = new TreeIndex(nodes);
    this.had = new Set(nodes.map((x) => x.id));
    this.places = new PlaceIndex(input.places);
    this.meaning = new Array(n).fill('none');
    this.node = new Array(n).fill(null);
    this.label = new Array(n).fill('');
    this.placeId = new Array(n).fill(null);
    this.section = new Array(n).fill(null);
    this.inPlace = new Array(n).fill(null);
    this.titleNode = input.titleItem ? (this.tree.code(input.titleItem) ?? null) : null;
    this.namesItem = new Uint8Array(n);
    this.itemBelow = new Uint8Array(n);
  }

  /** Marks the rows naming one of the workbook's items and the rows over them: a row over such rows
   * that names no item itself is a section. */
  markItemsBelow(): void {
    const { shape, input, tree, namesItem, itemBelow } = this;
    for (let i = 0; i < this.n; i++) {
      if (shape.role[i] !== 'item') continue;
      const code = input.code(i);
      const name = input.name(i);
      if ((code && tree.code(code)) || (name && tree.namesItem(name))) namesItem[i] = 1;
    }
    for (const i of bottomUp(shape.parent)) {
      const p = shape.parent[i];
      if (p >= 0 && (namesItem[i] || itemBelow[i])) itemBelow[p] = 1;
    }
  }

  /** In the file's order, every row after the row it lies under: its section, then what it is by its role. */
  placeInFileOrder(): void {
    const { shape, meaning, section, label, placeId } = this;
    for (const i of topDown(childrenOf(shape), this.n)) {
      const role = shape.role[i];
      const p = shape.parent[i];
      section[i] = p >= 0 ? (meaning[p] === 'section' ? joinSection(section[p], label[p], placeId[p]) : section[p]) : null;
      if (role === 'listed' || role === 'breakdown') this.placeLine(i, role);
      else if (role === 'repeat') this.placeRepeat(i);
      else if (role === 'item') this.placeItemRow(i);
    }
  }

  /** The placement, with the rows whose figures are their item's whole: an item's figures are its
   * whole only where one row names it, outside any section. */
  placement(): Placement {
    const { n, meaning, node, label, placeId, section, imported } = this;
    const rowsOf = new Map<Id, number>();
    for (let i = 0; i < n; i++) if (meaning[i] === 'item') rowsOf.set(node[i]!, (rowsOf.get(node[i]!) ?? 0) + 1);
    const statesNode = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (meaning[i] === 'item' && section[i] === null && rowsOf.get(node[i]!) === 1) statesNode[i] = 1;
    return { meaning, node, label, placeId, section, statesNode, imported };
  }

  // ---- one row -----------------------------------------------------------------------------------

  /** A row listed under another or breaking it down: a line of the item above, labelled by its own
   * name (listed) or by the place or work it breaks down. */
  private placeLine(i: number, role: 'listed' | 'breakdown'): void {
    const { meaning, node, label, placeId, inPlace } = this;
    const p = this.shape.parent[i];
    meaning[i] = 'line';
    node[i] = p >= 0 ? node[p] : null;
    if (role === 'listed') label[i] = this.input.name(i);
    else if (p >= 0 && (meaning[p] === 'place' || meaning[p] === 'work')) [label[i], placeId[i]] = [label[p], placeId[p]];
    inPlace[i] = p >= 0 ? inPlace[p] : null;
  }

  /** A row repeating another: a line of what that row is (nothing when it is a section or nothing). */
  private placeRepeat(i: number): void {
    const { meaning, node, label, placeId, section, inPlace } = this;
    const of = this.shape.repeatOf.get(i)!;
    meaning[i] = meaning[of] === 'section' || meaning[of] === 'none' ? 'none' : 'line';
    node[i] = node[of];
    placeId[i] = placeId[of];
    label[i] = meaning[of] === 'place' || meaning[of] === 'work' ? label[of] : '';
    section[i] = section[of];
    inPlace[i] = inPlace[of];
  }

  /** A row of the file's own items: a place, section or work when it names no item, else an item. */
  private placeItemRow(i: number): void {
    const code = this.input.code(i);
    const name = this.input.name(i);
    const p = this.shape.parent[i];
    const itemOf = p >= 0 ? this.node[p] : null;
    const context = itemOf ? (this.tree.byId.get(itemOf) ?? null) : null;
    if (!code && name && !this.namesItem[i] && this.placeNamingNoItem(i, name, context)) return;
    this.placeItem(i, code, name, itemOf, context);
  }

  /** A row with a name but no code that names no item: a place, a section, a work or a row of the
   * title's item, when it is one of them (false when it is none: then it is a new item). */
  private placeNamingNoItem(i: number, name: string, context: TreeNode | null): boolean {
    const { meaning, node, label, placeId, inPlace, titleNode } = this;
    const p = this.shape.parent[i];
    const here = p >= 0 ? (inPlace[p] ?? (meaning[p] === 'place' || meaning[p] === 'work' ? { label: label[p], id: placeId[p] } : null)) : null;
    const place = this.places.find(name);
    // A district or commune under an item (or the title's): that item's money there.
    const owner = context ?? (p < 0 || meaning[p] === 'section' ? titleNode : null);
    if (place !== undefined && owner && !this.itemBelow[i]) {
      meaning[i] = 'place';
      node[i] = owner.id;
      this.adopt(owner, i, 'name');
      [label[i], placeId[i]] = [name, place];
      inPlace[i] = { label: name, id: place };
      return true;
    }
    // Over items, naming none: a section ("I. Cấp tỉnh", "I. Huyện Bình Gia").
    if (this.itemBelow[i]) {
      meaning[i] = 'section';
      [label[i], placeId[i]] = [name, place ?? null];
      return true;
    }
    // A work listed in a place under an item ("Đường giao thông thôn Nà Pàn" under "Xã Hữu Khánh").
    if (here && context) {
      meaning[i] = 'work';
      node[i] = context.id;
      label[i] = here.id ? name : `${name} (${here.label})`;
      placeId[i] = here.id;
      inPlace[i] = here;
      return true;
    }
    // A row of the item the title names (a list of communes or units for one sub-project).
    if (!context && titleNode && (p < 0 || meaning[p] === 'section')) {
      meaning[i] = 'place';
      node[i] = titleNode.id;
      this.adopt(titleNode, i, 'name');
      [label[i], placeId[i]] = [name, place ?? null];
      inPlace[i] = { label: name, id: place ?? null };
      return true;
    }
    return false;
  }

  /** A row naming an item: the workbook's by code, by the code its name states, or by name (under
   * its parent first); else the new item named so before under the same parent; else a new item. */
  private placeItem(i: number, code: string, name: string, itemOf: Id | null, context: TreeNode | null): void {
    const { tree, had } = this;
    let found = code ? tree.code(code) : undefined;
    let matchedBy: ImportedNode['matchedBy'] = found ? 'code' : null;
    const implied = !found && name ? codeInName(name, context?.code ?? null) : null;
    if (!found && name) {
      found = (implied ? tree.code(implied) : undefined) ?? tree.name(name, itemOf, (id) => had.has(id));
      if (found) matchedBy = 'name';
    }
    // A new item named twice under the same parent is one item.
    const sameKey = found ? '' : `${itemOf ?? ''}|${foldForMatch(bareName(name) || code)}`;
    if (!found && (name || code)) found = this.newByParentName.get(sameKey);
    if (!found) {
      const parent = context ?? (code || implied ? (tree.parentByCode(code || implied!) ?? null) : null);
      found = this.newNode(i, parent, code, implied, name);
      this.newByParentName.set(sameKey, found);
    } else this.adopt(found, i, matchedBy);
    this.meaning[i] = 'item';
    this.node[i] = found.id;
  }

  // ---- the items the rows name ---------------------------------------------------------------------

  /** Records an item a row names, the first time it is named. */
  private adopt(found: TreeNode, i: number, matchedBy: ImportedNode['matchedBy']): void {
    const { imported, had } = this;
    if (!imported.has(found.id))
      imported.set(found.id, { node: found, status: had.has(found.id) ? 'matched' : 'new', matchedBy: had.has(found.id) ? matchedBy : null, row: this.input.sheetRow(i) });
  }

  /** A new item under `parent`, coded by the row's code, the code its name states, or its parent's
   * code and its STT (or its rank among its new siblings); a row with neither name nor code is reported. */
  private newNode(i: number, parent: TreeNode | null, code: string, implied: string | null, name: string): TreeNode {
    const { input, siblings } = this;
    const parentId = parent?.id ?? null;
    const k = (siblings.get(parentId) ?? 0) + 1;
    siblings.set(parentId, k);
    const stt = input.stt(i);
    const token = stt.replace(/[^\p{L}\p{N}.]/gu, '').replace(/\.$/, '');
    if (!name && !code)
      input.report({
        row: input.sheetRow(i),
        col: null,
        cell: null,
        raw: null,
        severity: 'warning',
        problem: { code: 'import.row-unnamed', params: { row: input.sheetRow(i) } },
      });
    const made: TreeNode = {
      id: newId(),
      workbookId: input.workbookId,
      parentId,
      code: code || implied || (parent?.code ? `${parent.code}.${token || k}` : token),
      name: name || code || stt,
      order: this.tree.takeOrder(parentId),
    };
    this.tree.add(made);
    this.imported.set(made.id, { node: made, status: 'new', matchedBy: null, row: input.sheetRow(i) });
    return made;
  }
}

/** The section inside another: labels joined, the inner place first. */
function joinSection(outer: Section | null, innerLabel: string, innerPlace: Id | null): Section {
  return outer ? { label: `${outer.label} / ${innerLabel}`, placeId: innerPlace ?? outer.placeId } : { label: innerLabel, placeId: innerPlace };
}
