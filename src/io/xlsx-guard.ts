// Checks an .xlsx archive before exceljs opens it. exceljs unpacks every part of the zip whole, and
// turns some ranges into one object per cell (merged cells, data validations, named ranges, column
// settings, row numbers), so a small crafted file could take gigabytes or never finish. This reads
// the zip's central directory the way JSZip (inside exceljs) reads it, refuses a part whose size
// unpacked, as declared or as it really unpacks, passes a limit (unpacking stops there), and counts
// the cells those ranges cover in the unpacked XML. Pure: bytes in, a problem or null out.

import type { Problem } from '../domain/model';
import { MAX_COLUMNS, MAX_ROWS, concatBytes } from './import-types';

const MiB = 2 ** 20;

/** What an .xlsx may hold. A 100 000-line plan as the app exports it unpacks to a 49 MB sheet,
 * which exceljs reads in about 10 s and 0.9 GB; a larger file is better imported as CSV. */
export const XLSX_LIMITS = {
  /** One part (a sheet, the shared strings…), unpacked. */
  partBytes: 64 * MiB,
  /** All parts together, unpacked. */
  totalBytes: 128 * MiB,
  /** Merged ranges: exceljs checks each against every earlier one (5 000 take about 2 s). */
  merges: 5_000,
  /** Cells inside merged ranges: exceljs makes an object for each (500 000 take about 1 s). */
  mergedCells: 500_000,
  /** Cells that data validations and named ranges list: exceljs keeps an entry for each. Two
   * whole columns' worth, about 4 s. */
  rangeCells: 2 * MAX_ROWS,
};

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const STORED = 0;
const DEFLATED = 8;

interface ZipPart {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the part's data in the file. */
  start: number;
}

const damaged = (detail: string): Problem => ({ code: 'import.xlsx-damaged', params: { detail } });
const megabytes = (n: number): number => Math.ceil(n / MiB);

/** The parts the central directory lists, read as JSZip reads them: the last end record, zip64
 * fields, and data prepended before the archive shifting every offset; a reason when it cannot. */
function listParts(bytes: Uint8Array): ZipPart[] | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  // DataView throws a RangeError past the end: a field cut off means a damaged archive.
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const u64 = (o: number) => u32(o) + u32(o + 4) * 2 ** 32;
  const lastIndexOf = (sig: number): number => {
    for (let i = n - 4; i >= 0; i--) if (bytes[i] === 0x50 && u32(i) === sig) return i;
    return -1;
  };
  try {
    const end = lastIndexOf(SIG_END);
    if (end < 0) return 'no end of central directory: the file is cut short';
    let cdSize = u32(end + 12);
    let cdOffset = u32(end + 16);
    let expectedEnd = cdOffset + cdSize;
    if ([u16(end + 4), u16(end + 6), u16(end + 8), u16(end + 10)].includes(0xffff) || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locator = lastIndexOf(SIG_ZIP64_LOCATOR);
      if (locator < 0) return 'no zip64 end locator';
      let z = u64(locator + 8);
      if (z + 4 > n || u32(z) !== SIG_ZIP64_END) z = lastIndexOf(SIG_ZIP64_END);
      if (z < 0) return 'no zip64 end of central directory';
      cdSize = u64(z + 40);
      cdOffset = u64(z + 48);
      expectedEnd = cdOffset + cdSize + 20 + 12 + u64(z + 4);
    }
    const zero = end - expectedEnd;
    if (zero < 0) return `${-zero} bytes missing`;

    const parts: ZipPart[] = [];
    const names = new TextDecoder();
    for (let p = zero + cdOffset; p + 4 <= n && u32(p) === SIG_CENTRAL; ) {
      const flags = u16(p + 8);
      const method = u16(p + 10);
      let compressedSize = u32(p + 20);
      let size = u32(p + 24);
      const nameLength = u16(p + 28);
      const extraLength = u16(p + 30);
      let local = u32(p + 42);
      const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLength));
      // The zip64 field (0x0001) holds, in this order, the sizes and offset that are 0xffffffff.
      let zip64: number | null = null;
      for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; e += 4 + u16(e + 2)) {
        if (u16(e) === 1) zip64 = e + 4;
      }
      if (zip64 !== null) {
        if (size === 0xffffffff) [size, zip64] = [u64(zip64), zip64 + 8];
        if (compressedSize === 0xffffffff) [compressedSize, zip64] = [u64(zip64), zip64 + 8];
        if (local === 0xffffffff) local = u64(zip64);
      }
      if (flags & 1) return `the part ${name} is encrypted`;
      if (method !== STORED && method !== DEFLATED) return `the part ${name} uses compression method ${method}`;
      const h = zero + local;
      if (u32(h) !== SIG_LOCAL) return `the part ${name} has no local header`;
      const start = h + 30 + u16(h + 26) + u16(h + 28);
      if (start + compressedSize > n) return `the part ${name} is cut short`;
      parts.push({ name, method, compressedSize, size, start });
      p += 46 + nameLength + extraLength + u16(p + 32);
    }
    return parts;
  } catch {
    return 'the central directory is cut short';
  }
}

/** A part's bytes unpacked, or null when they come to more than `limit` bytes (unpacking stops
 * there, so a zip bomb costs at most the limit). Throws when the deflate data is damaged. */
async function unpack(bytes: Uint8Array, part: ZipPart, limit: number): Promise<Uint8Array | null> {
  const data = bytes.subarray(part.start, part.start + part.compressedSize);
  if (part.method === STORED) return data.length > limit ? null : data;
  // Fed in small slices: one slice of a bomb unpacks to at most about a thousand times its size.
  const SLICE = 16 * 1024;
  let at = 0;
  const source = new ReadableStream<BufferSource>({
    pull(controller) {
      if (at >= data.length) controller.close();
      else controller.enqueue(data.slice(at, (at += SLICE)));
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

// Tags whose ranges or numbers exceljs expands, unprefixed as exceljs reads them.
const TAG = /<(mergeCell|dataValidation|definedName|col|row)[\s/>]/g;
const ATTRIBUTES: Record<string, RegExp> = {
  ref: /\sref\s*=\s*(?:"([^"]*)"|'([^']*)')/,
  sqref: /\ssqref\s*=\s*(?:"([^"]*)"|'([^']*)')/,
  max: /\smax\s*=\s*(?:"([^"]*)"|'([^']*)')/,
  r: /\sr\s*=\s*(?:"([^"]*)"|'([^']*)')/,
  name: /\sname\s*=\s*(?:"([^"]*)"|'([^']*)')/,
};
// Names exceljs reads as page setup, never cell by cell.
const PRINT_NAMES = new Set(['_xlnm.Print_Area', '_xlnm.Print_Titles']);
const RANGE = /\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?/g;

/** XML text with its character references and the five named entities replaced, as a parser reads it. */
function unescapeXml(s: string): string {
  if (!s.includes('&')) return s;
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e: string) => {
    if (e[0] !== '#') return named[e.toLowerCase()] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

function attribute(tag: string, name: string): string | null {
  const m = ATTRIBUTES[name].exec(tag);
  return m ? unescapeXml(m[1] ?? m[2]) : null;
}

const columnNumber = (letters: string): number => [...letters.toUpperCase()].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/** The cells a list of ranges covers ("A1:B2 D4", "$A$1:$XFD$1048576"), overlaps counted twice. */
function rangeCells(text: string): number {
  let cells = 0;
  for (const m of text.matchAll(RANGE)) {
    const rows = m[4] === undefined ? 1 : Math.abs(Number(m[4]) - Number(m[2])) + 1;
    const cols = m[3] === undefined ? 1 : Math.abs(columnNumber(m[3]) - columnNumber(m[1])) + 1;
    cells += rows * cols;
  }
  return cells;
}

interface Counts {
  merges: number;
  mergedCells: number;
  rangeCells: number;
}

/** Counts one part's expanded ranges into `counts`; a problem for a row or column past Excel's grid. */
function scanPart(text: string, counts: Counts): Problem | null {
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) {
    const close = text.indexOf('>', m.index);
    if (close < 0) break;
    const tag = text.slice(m.index, close);
    TAG.lastIndex = close;
    switch (m[1]) {
      case 'mergeCell':
        counts.merges++;
        counts.mergedCells += rangeCells(attribute(tag, 'ref') ?? '');
        break;
      case 'dataValidation':
        counts.rangeCells += rangeCells(attribute(tag, 'sqref') ?? '');
        break;
      case 'definedName': {
        if (PRINT_NAMES.has(attribute(tag, 'name') ?? '')) break;
        // Each range of the name, after its sheet's name ("'Biểu 1'!$A$1:$K$40,…").
        const body = unescapeXml(text.slice(close + 1, Math.max(close + 1, text.indexOf('<', close))));
        for (const range of body.split(',')) counts.rangeCells += rangeCells(range.slice(range.lastIndexOf('!') + 1));
        break;
      }
      case 'col': {
        // exceljs reads the numbers with parseInt, and makes every column up to `max`.
        const max = parseInt(attribute(tag, 'max') ?? '0', 10);
        if (max > MAX_COLUMNS) return { code: 'import.too-many-columns', params: { limit: MAX_COLUMNS } };
        break;
      }
      case 'row': {
        const r = parseInt(attribute(tag, 'r') ?? '0', 10);
        if (r > MAX_ROWS) return { code: 'import.too-many-rows', params: { limit: MAX_ROWS } };
        break;
      }
    }
  }
  return null;
}

/** Null when exceljs can open the archive within XLSX_LIMITS; otherwise the problem:
 * import.xlsx-part-too-large, import.xlsx-too-large, import.too-many-merges,
 * import.merges-too-large, import.ranges-too-large, import.too-many-rows,
 * import.too-many-columns, or import.xlsx-damaged (a directory, a part or its data that exceljs
 * would fail on, or a part unpacking to another size than its directory says). */
export async function checkXlsxArchive(bytes: Uint8Array): Promise<Problem | null> {
  const parts = listParts(bytes);
  if (typeof parts === 'string') return damaged(parts);
  let total = 0;
  for (const part of parts) {
    if (part.size > XLSX_LIMITS.partBytes) {
      return { code: 'import.xlsx-part-too-large', params: { part: part.name, size: megabytes(part.size), limit: megabytes(XLSX_LIMITS.partBytes) } };
    }
    total += part.size;
  }
  if (total > XLSX_LIMITS.totalBytes) return { code: 'import.xlsx-too-large', params: { size: megabytes(total), limit: megabytes(XLSX_LIMITS.totalBytes) } };

  const counts: Counts = { merges: 0, mergedCells: 0, rangeCells: 0 };
  const text = new TextDecoder();
  for (const part of parts) {
    let data: Uint8Array | null;
    try {
      // Never more than the directory says: a part that lies about its size stops there.
      data = await unpack(bytes, part, part.size);
    } catch (e) {
      return damaged(`the part ${part.name} cannot be unpacked: ${e instanceof Error ? e.message : String(e)}`);
    }
    // JSZip refuses a part whose size differs from its directory's too.
    if (data === null || data.length !== part.size) return damaged(`the part ${part.name} unpacks to another size than the zip directory says`);
    const problem = scanPart(text.decode(data), counts);
    if (problem) return problem;
  }
  if (counts.merges > XLSX_LIMITS.merges) return { code: 'import.too-many-merges', params: { count: counts.merges, limit: XLSX_LIMITS.merges } };
  if (counts.mergedCells > XLSX_LIMITS.mergedCells) return { code: 'import.merges-too-large', params: { cells: counts.mergedCells, limit: XLSX_LIMITS.mergedCells } };
  if (counts.rangeCells > XLSX_LIMITS.rangeCells) return { code: 'import.ranges-too-large', params: { cells: counts.rangeCells, limit: XLSX_LIMITS.rangeCells } };
  return null;
}
