// Checks a workbook file before it is read (by SheetJS, or an .xlsx by the fast reader, which
// reads what SheetJS would), and says what it is. The kind comes from the bytes:
// a zip is an .xlsx (or .xlsm) or, with an OpenDocument "mimetype" part, an .ods; an OLE compound
// file with a workbook stream is an .xls. Other documents (Word, PowerPoint, an .xlsb) and
// password-protected files are refused by name. SheetJS unpacks every part of a zip whole and
// trusts what a file declares (an .ods repeat count makes that many cells, a hyperlink visits every
// cell of its range), so this reads the archive as SheetJS will, refuses a part whose size
// unpacked, as declared or as it really unpacks, passes a limit (unpacking stops there), and scans
// the content for what SheetJS would build (xlsx-scan, ods-scan, biff-scan) against
// WORKBOOK_LIMITS. The same scans collect what SheetJS leaves out (hidden rows and columns, formulas
// saved without a value). No problem carries a library's words. An .xlsx's parts are kept as the
// checks decoded them, so that the fast reader (xlsx-read.ts) reads the same text without
// unpacking it again.

import type { Problem, Result } from '../domain/model';
import { fail, ok } from '../domain/model';
import { scanBiff } from './biff-scan';
import type { ProgressOptions } from './import-types';
import { MAX_COLUMNS, MAX_ROWS, yieldToEventLoop } from './import-types';
import { scanOds } from './ods-scan';
import { readOleFile } from './ole-file';
import type { SheetFacts, Tally } from './workbook-facts';
import { UNDECLARED_ENTITY, XlsxScan } from './xlsx-scan';
import { listZipParts, unpackPart, type ZipPart } from './zip-parts';

const MiB = 2 ** 20;

/** What a workbook may hold. A 100 000-line plan as the app exports it unpacks to a 49 MB sheet;
 * a larger file is better imported as CSV. */
export const WORKBOOK_LIMITS = {
  /** One part of a zip (a sheet, the shared strings…), unpacked. */
  partBytes: 64 * MiB,
  /** All parts together, unpacked (with the text an .ods writes as runs of spaces). */
  totalBytes: 128 * MiB,
  /** An .ods writes a cell about four times as long as an .xlsx (the same 100 000-line plan is a
   * 186 MB content.xml from LibreOffice, a 43 MB sheet in the app's .xlsx): its content and its
   * parts together may be that much larger. */
  odsContentBytes: 256 * MiB,
  odsTotalBytes: 320 * MiB,
  /** Cells with a value SheetJS makes: each costs an object (a 100 000-line plan has 1,3 million). */
  cells: 5_000_000,
  /** Merged ranges, and the cells they cover: the import visits each covered cell. */
  merges: 5_000,
  mergedCells: 500_000,
  /** Cells hyperlinks cover: SheetJS visits each (two whole columns' worth). */
  linkedCells: 2 * MAX_ROWS,
};

export type WorkbookKind = 'xlsx' | 'xls' | 'ods';

/** A part of an .xlsx as the checks read it: its name as SheetJS decodes it (a byte a character),
 * and its text when it is XML in valid UTF-8 (else null). */
export interface XlsxPart {
  name: string;
  text: string | null;
}

/** A workbook SheetJS may read, and what the scan found that SheetJS does not report. */
export interface CheckedWorkbook {
  kind: WorkbookKind;
  /** The bytes for SheetJS: the file, or an .xls's workbook stream (read out of the compound file here). */
  data: Uint8Array;
  /** An .xls older than Excel 97 (BIFF5): its text is in a Windows code page. */
  codePages: boolean;
  /** Per sheet, in the order SheetJS lists them. */
  sheets: SheetFacts[];
  /** An .xlsx's parts in the archive's order, each with its text when it is XML in valid UTF-8. */
  parts?: XlsxPart[];
}

const ODS_TYPE = 'application/vnd.oasis.opendocument.spreadsheet';
const ODT_TYPE = 'application/vnd.oasis.opendocument.text';
const megabytes = (n: number): number => Math.ceil(n / MiB);

/**
 * The workbook in the bytes (a zip or an OLE compound file), checked. Fails with
 * import.xlsx-damaged (any workbook that cannot be read), import.encrypted, import.word-document,
 * import.not-spreadsheet, import.xlsb-unsupported, import.xlsx-part-too-large,
 * import.xlsx-too-large, import.too-many-cells, import.too-many-merges, import.merges-too-large,
 * import.ranges-too-large, import.too-many-rows, import.too-many-columns or import.cancelled.
 * Progress counts bytes unpacked.
 */
export async function checkWorkbook(bytes: Uint8Array, file: string, opts: ProgressOptions = {}): Promise<Result<CheckedWorkbook>> {
  return bytes[0] === 0x50 ? checkZip(bytes, file, opts) : checkOle(bytes, file);
}

function checkOle(bytes: Uint8Array, file: string): Result<CheckedWorkbook> {
  const ole = readOleFile(bytes);
  if (!ole) return fail('import.xlsx-damaged', { file });
  // A password-protected .xlsx is a compound file holding the encrypted package.
  if (ole.names.has('EncryptedPackage') || ole.names.has('EncryptionInfo')) return fail('import.encrypted', { file });
  const stream = ole.names.has('Workbook') ? ole.read('Workbook') : ole.names.has('Book') ? ole.read('Book') : undefined;
  if (stream === undefined) return fail(ole.names.has('WordDocument') ? 'import.word-document' : 'import.not-spreadsheet', { file });
  const scan = stream && scanBiff(stream);
  if (!scan) return fail('import.xlsx-damaged', { file });
  if (scan.encrypted) return fail('import.encrypted', { file });
  const over = overLimits(scan.tally);
  if (over) return { ok: false, error: over };
  return ok({ kind: 'xls', data: stream, codePages: scan.version < 8, sheets: scan.sheets });
}

async function checkZip(bytes: Uint8Array, file: string, opts: ProgressOptions): Promise<Result<CheckedWorkbook>> {
  const listing = listZipParts(bytes);
  if (!listing.ok) return fail(listing.fault === 'encrypted' ? 'import.encrypted' : 'import.xlsx-damaged', { file });
  const parts = listing.parts;
  const names = new Set(parts.map((p) => p.name));
  const text = new TextDecoder();
  const strict = new TextDecoder('utf-8', { fatal: true });
  const damaged = fail('import.xlsx-damaged', { file });
  /** A part's text, unpacked to exactly its declared size; null when it does not. */
  const read = async (part: ZipPart): Promise<Uint8Array | null> => {
    if (part.mismatch) return null;
    try {
      // Never more than the directory says: a part that lies about its size stops there.
      const data = await unpackPart(bytes, part, part.size);
      return data !== null && data.length === part.size ? data : null;
    } catch {
      return null;
    }
  };
  // The small parts that tell the kind, read before the limits are known (within the smallest).
  const byName = (name: string) => parts.find((p) => p.name === name && p.size <= WORKBOOK_LIMITS.partBytes);

  // An OpenDocument package (SheetJS reads any zip with a manifest as one).
  let kind: WorkbookKind = 'xlsx';
  if (names.has('META-INF/manifest.xml')) {
    const mimetype = byName('mimetype');
    const type = mimetype && (await read(mimetype));
    const media = type ? text.decode(type).trim() : '';
    if (!media.startsWith(ODS_TYPE)) return fail(media.startsWith(ODT_TYPE) ? 'import.word-document' : media ? 'import.not-spreadsheet' : 'import.xlsx-damaged', { file });
    const manifestPart = byName('META-INF/manifest.xml');
    const manifest = manifestPart && (await read(manifestPart));
    if (!manifest) return damaged;
    if (/encryption-data/.test(text.decode(manifest))) return fail('import.encrypted', { file });
    kind = 'ods';
  } else if (names.has('xl/workbook.bin')) {
    return fail('import.xlsb-unsupported', { file });
  } else if (names.has('word/document.xml')) {
    return fail('import.word-document', { file });
  } else if (names.has('ppt/presentation.xml') || !names.has('[Content_Types].xml')) {
    return fail(names.has('ppt/presentation.xml') ? 'import.not-spreadsheet' : 'import.xlsx-damaged', { file });
  }

  let total = 0;
  for (const part of parts) {
    const limit = kind === 'ods' && part.name === 'content.xml' ? WORKBOOK_LIMITS.odsContentBytes : WORKBOOK_LIMITS.partBytes;
    if (part.size > limit) return fail('import.xlsx-part-too-large', { part: part.name, size: megabytes(part.size), limit: megabytes(limit) });
    total += part.size;
  }
  const totalLimit = kind === 'ods' ? WORKBOOK_LIMITS.odsTotalBytes : WORKBOOK_LIMITS.totalBytes;
  if (total > totalLimit) return fail('import.xlsx-too-large', { size: megabytes(total), limit: megabytes(totalLimit) });
  // Sizes that disagree (an encrypted .ods has them: its parts were refused above by the manifest).
  if (parts.some((p) => p.mismatch)) return damaged;

  const xlsx = new XlsxScan();
  let tally: Tally = xlsx.tally;
  let sheets: SheetFacts[] | null = null;
  let done = 0;
  const kept: XlsxPart[] = [];
  for (const part of parts) {
    if (opts.signal?.aborted) return fail('import.cancelled');
    const data = await read(part);
    if (data === null) return damaged;
    let exact: string | null = null;
    if (/\.(xml|rels|vml)$/i.test(part.name)) {
      // An .xlsx's text is kept for the fast reader when it is valid UTF-8; otherwise it is checked
      // as decoded with replacements, and how it reads is left to SheetJS.
      if (kind === 'xlsx') {
        try {
          exact = strict.decode(data);
        } catch {
          exact = null;
        }
      }
      const content = exact ?? text.decode(data);
      if (kind === 'xlsx') {
        if (xlsx.scan(part.name, content)) return damaged;
      } else if (UNDECLARED_ENTITY.test(content)) {
        return damaged;
      } else if (part.name === 'content.xml') {
        ({ tally, sheets } = scanOds(content));
      }
    }
    if (kind === 'xlsx') kept.push({ name: part.name, text: exact });
    opts.onProgress?.((done += part.size), total);
    await yieldToEventLoop();
  }
  if (kind === 'ods' && !sheets) return damaged;
  if (total + tally.expandedChars > totalLimit) {
    return fail('import.xlsx-too-large', { size: megabytes(total + tally.expandedChars), limit: megabytes(totalLimit) });
  }
  const over = overLimits(tally);
  if (over) return { ok: false, error: over };
  return ok({ kind, data: bytes, codePages: false, sheets: sheets ?? xlsx.sheets(names), ...(kind === 'xlsx' ? { parts: kept } : {}) });
}

/** The first limit the counts pass, or null. */
function overLimits(t: Tally): Problem | null {
  const L = WORKBOOK_LIMITS;
  if (t.lastRow >= MAX_ROWS) return { code: 'import.too-many-rows', params: { limit: MAX_ROWS } };
  if (t.lastColumn >= MAX_COLUMNS) return { code: 'import.too-many-columns', params: { limit: MAX_COLUMNS } };
  if (t.cells > L.cells) return { code: 'import.too-many-cells', params: { count: t.cells, limit: L.cells } };
  if (t.merges > L.merges) return { code: 'import.too-many-merges', params: { count: t.merges, limit: L.merges } };
  if (t.mergedCells > L.mergedCells) return { code: 'import.merges-too-large', params: { cells: t.mergedCells, limit: L.mergedCells } };
  if (t.linkedCells > L.linkedCells) return { code: 'import.ranges-too-large', params: { cells: t.linkedCells, limit: L.linkedCells } };
  return null;
}
