// Words of a table's rows: what a row's name says of its money ("- Vốn ĐTPT", "+ NSTW", "- Vốn
// năm 2023 chuyển sang"), a "Trong đó:" caption, a project's or sub-project's name. Shared by the
// table detector and the reader of the file's shape. Pure.

import type { CapitalType, Source } from '../domain/model';
import { parseCapital, parseSource } from '../domain/cell-input';
import { foldForMatch, normalizeText } from '../domain/text';

/** The split a breakdown row's name states. */
export interface BreakdownSplit {
  source?: Source;
  capital?: CapitalType;
  vintage?: number;
  carriedIn?: boolean;
}

export const BULLET = /^[-–+•*·]\s*/u;
/** "Trong đó:" alone: captions the breakdown below; neither an item nor a line. */
export const BREAKDOWN_CAPTION = /^(?:[-–+•*·]\s*)?(?:trong\s+đó|bao\s+gồm|gồm|chia\s+ra|chi\s+tiết)\s*:?$/iu;

/** A year or a carry in a breakdown part: "Vốn năm 2023", "Năm 2022 chuyển sang", "KH 2023 kéo dài". */
const YEAR_PART = /^(?:(?:kế\s+hoạch|kh|vốn|nguồn|dự\s+toán)\s+)*(?:vốn\s+)?(?:năm\s+)?((?:19|20)\d{2})(?:\s+(chuyển\s+sang|chuyển\s+nguồn(?:\s+sang)?|kéo\s+dài))?$/iu;
const CARRIED_PART = /^(?:vốn\s+|nguồn\s+)?(?:năm\s+trước\s+)?(?:chuyển\s+sang|chuyển\s+nguồn|kéo\s+dài)(?:\s+năm\s+trước)?$/iu;

export const LEVEL_ONLY = /^(?:cấp\s+)?(?:tỉnh|huyện|xã|thành\s+phố|thị\s+xã)$/iu;
/** Numbering styles a breakdown row may carry: bullets, never a number of its own. */
export const BULLET_STYLES = new Set(['dash', 'plus', 'star', 'bullet']);

// The first word of a name that can be a split: a bullet, "Trong đó", a source, a capital type, a year.
const SPLIT_START =
  /^[\s\-–+•*·:(]*(?:trong|bao|gồm|g[ôồ]m|v[ốo]n|ngu[ồo]n|ng[âa]n|ns|kinh|đ[ầa]u|ĐTPT|đtpt|dtpt|s[ựu]|sn|kh|k[ếe]|d[ựu]|n[ăa]m|chuy[ểe]n|k[ée]o|trung|đ[ịi]a|địa|kh[áa]c|of|central|local|other|investment|recurrent|\d{4}|Ð)/iu;

/** The split a row's name states when it names only a source, a capital type, a year or money
 * carried in, or several of them ("- Vốn đầu tư phát triển", "+ NSTW", "Trong đó: NSĐP", "Vốn ĐTPT
 * (NSTW)", "- Vốn năm 2023 chuyển sang"); null for any other name. */
export function breakdownOf(name: string): BreakdownSplit | null {
  // Most names are no split: a look at their first word says so without folding them.
  if (!SPLIT_START.test(name)) return null;
  const text = normalizeText(name)
    .replace(BULLET, '')
    .replace(/^(?:trong\s+đó|bao\s+gồm|gồm)\s*:?\s*/iu, '')
    .trim();
  const out: BreakdownSplit = {};
  for (const part of text.split(/\s*(?:[:,;/()+]|\s[-–]\s|^[-–]|\svà\s)\s*/u).filter(Boolean)) {
    const year = YEAR_PART.exec(part);
    if (year && out.vintage === undefined) {
      out.vintage = Number(year[1]);
      if (year[2]) out.carriedIn = true;
      continue;
    }
    if (CARRIED_PART.test(part) && !out.carriedIn) {
      out.carriedIn = true;
      continue;
    }
    // "Cấp huyện" alone names a level of the administration (a section), not its budget.
    if (LEVEL_ONLY.test(part)) return null;
    const source = parseSource(part);
    const capital = parseCapital(part);
    if (source.ok && !out.source) out.source = source.value;
    else if (capital.ok && !out.capital) out.capital = capital.value;
    else return null;
  }
  return out.source || out.capital || out.vintage !== undefined || out.carriedIn ? out : null;
}

/** The program level a name states: 0 for a project ("Dự án 3: …", "DA3"), 1 for a sub-project
 * ("Tiểu dự án 1", "DA3.TDA1"), null otherwise. */
export function programLevel(name: string): 0 | 1 | null {
  const s = foldForMatch(name).replace(/^(?:[ivx]+|\d+|[a-z])\s*[.)]\s*/u, '');
  if (
    /^(?:tiểu\s+dự\s+án|tda|sub-?\s*project)\s*\d/u.test(s) ||
    /^da\d+\.tda\d+\b/u.test(s) ||
    /^(?:dự án|da|project)\s*\d+\s*[-–:,.]?\s*(?:tiểu dự án|tda|sub-?\s*project)\s*\d/u.test(s)
  )
    return 1;
  if (/^(?:dự\s+án|da|project)\s*\d+\b/u.test(s)) return 0;
  return null;
}

/** The start a memo's name can have, before it is normalised (most names have none). */
const MEMO_START = /^[\s\u200b\u2060\ufeff\-–+•*·]*(?:trong|of|including)/iu;

/** "Trong đó: thu hồi vốn ứng trước", "Of which: …": a part of the row above that the row already
 * counts, stated for information (a memo), not more money. True only when the rest names no split
 * (a breakdown is read as lines instead). */
export function isMemo(name: string): boolean {
  if (!MEMO_START.test(name)) return false;
  const text = normalizeText(name).replace(BULLET, '');
  const m = /^(?:trong\s+đó|of\s+which|including)\s*[:,-]?\s*(.+)$/iu.exec(text);
  return m !== null && breakdownOf(text) === null && !/^(?:\s*)$/.test(m[1]);
}

/** The split a row's name states in brackets at its end ("Tiểu dự án 1: … (vốn ĐTPT)", "… (NSĐP)"),
 * or null. */
export function splitInName(name: string): BreakdownSplit | null {
  if (name.indexOf(')') < 0) return null;
  const m = /\(([^()]{1,60})\)\s*$/u.exec(normalizeText(name));
  return m ? breakdownOf(m[1]) : null;
}

/** A row's own split completed by the split of the row it lies under ("A. Vốn đầu tư phát triển"
 * over its projects, "I. Ngân sách trung ương" over its items): what the row says wins. */
export function withOuterSplit(own: BreakdownSplit | null, outer: BreakdownSplit | null): BreakdownSplit | null {
  if (!outer) return own;
  if (!own) return outer;
  const year = own.vintage !== undefined || own.carriedIn ? { vintage: own.vintage, carriedIn: own.carriedIn } : { vintage: outer.vintage, carriedIn: outer.carriedIn };
  const out: BreakdownSplit = { source: own.source ?? outer.source, capital: own.capital ?? outer.capital, ...year };
  for (const k of Object.keys(out) as (keyof BreakdownSplit)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Words that open a place's name: "Huyện Bình Gia", "Xã Lộc Yên", "TP. Lạng Sơn", "UBND huyện …". */
export const PLACE_KIND = /^(?:UBND\s+)?(?:huyện|quận|thị\s+xã|thành\s+phố|tp\.|tp|xã|phường|thị\s+trấn|tt\.|tt)\s*/iu;

/** Whether a name opens with a place's kind followed by a capital or a number: "Xã Lộc Yên",
 * "Huyện Bình Gia", but not "Xã hội hoá …". */
export function namesPlaceKind(text: string): boolean {
  const m = PLACE_KIND.exec(text);
  if (m === null || m[0].length >= text.length || !(m[0].endsWith(' ') || m[0].endsWith('.'))) return false;
  const rest = text.slice(m[0].length);
  if (!/^[\p{Lu}\d]/u.test(rest)) return false;
  // "Xã ĐBKK", "Xã ATK": an abbreviation after a lower-case kind word is a class of communes, not one.
  return !(/^\p{Lu}{2,6}$/u.test(rest.trim()) && /\p{Ll}/u.test(m[0]));
}
