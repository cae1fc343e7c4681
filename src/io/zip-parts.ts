// The parts of a zip archive (.xlsx, .ods), listed the way SheetJS's reader finds them, and unpacked
// with a bound. SheetJS takes the last end-of-directory record, walks the number of entries it
// declares, trusts each entry's local header for its sizes and unpacks every part whole into a
// buffer of the size the header declares; it follows nothing else. Reading the archive the same
// way here means the checks in workbook-guard.ts look at exactly the bytes SheetJS will read, and
// anything SheetJS would misread (a directory cut short, sizes that disagree, zip64 archives,
// unknown compression) is refused as damaged first. Pure apart from DecompressionStream.

import { concatBytes } from './import-types';

export interface ZipPart {
  /** The name as SheetJS decodes it (one byte a character). */
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** Unpacked size, as the directory and the local header both declare it. */
  size: number;
  /** Offset of the part's data in the file. */
  start: number;
  /** The local header and the directory disagree about the sizes: SheetJS refuses the file. */
  mismatch: boolean;
}

/** The archive's parts, or why it cannot be read: damaged, or encrypted (a password-protected zip). */
export type ZipListing = { ok: true; parts: ZipPart[] } | { ok: false; fault: 'damaged' | 'encrypted' };

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_DESCRIPTOR = 0x08074b50;
const STORED = 0;
const DEFLATED = 8;
// Flag bits SheetJS refuses: encrypted (0), strong encryption (6), an encrypted directory (13).
const ENCRYPTED = 0x2041;
const HAS_DESCRIPTOR = 0x0008;

/** The sizes in an extra field's zip64 record (0x0001), read as SheetJS reads it: the unpacked size,
 * then the packed size, 8 bytes each. Null without one; 'short' when the record is too short. */
function zip64Sizes(view: DataView, from: number, to: number): { size: number; compressedSize: number } | null | 'short' {
  const u64 = (o: number) => view.getUint32(o, true) + view.getUint32(o + 4, true) * 2 ** 32;
  for (let e = from; e + 4 <= to; e += 4 + view.getUint16(e + 2, true)) {
    if (view.getUint16(e, true) !== 1) continue;
    if (view.getUint16(e + 2, true) < 16 || e + 20 > to) return 'short';
    return { size: u64(e + 4), compressedSize: u64(e + 12) };
  }
  return null;
}

/** The parts an archive lists, as SheetJS's reader finds them; damaged when SheetJS would read
 * other bytes than the directory describes, encrypted when a part is. Never throws. */
export function listZipParts(bytes: Uint8Array): ZipListing {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const damaged = { ok: false, fault: 'damaged' } as const;
  try {
    let end = -1;
    for (let i = n - 4; i >= 0 && end < 0; i--) if (bytes[i] === 0x50 && u32(i) === SIG_END) end = i;
    if (end < 0 || end + 22 > n) return damaged;
    const count = u16(end + 8);
    const directory = u32(end + 16);
    // A zip64 archive (its counts and offset in another record): SheetJS does not read those.
    if (count === 0xffff || directory === 0xffffffff) return damaged;

    const parts: ZipPart[] = [];
    for (let i = 0, p = directory; i < count; i++) {
      const entry = p;
      if (entry + 46 > n || u32(entry) !== SIG_CENTRAL) return damaged;
      let compressedSize = u32(entry + 20);
      let size = u32(entry + 24);
      const nameLength = u16(entry + 28);
      const extraLength = u16(entry + 30);
      const local = u32(entry + 42);
      const extraStart = entry + 46 + nameLength;
      const central64 = zip64Sizes(view, extraStart, Math.min(n, extraStart + extraLength));
      if (central64 === 'short') return damaged;
      if (central64?.size) size = central64.size;
      if (central64?.compressedSize) compressedSize = central64.compressedSize;
      p = extraStart + extraLength + u16(entry + 32);

      if (local + 30 > n || u32(local) !== SIG_LOCAL) return damaged;
      const flags = u16(local + 6);
      if ((flags | u16(entry + 8)) & ENCRYPTED) {
        return { ok: false, fault: 'encrypted' };
      }
      const method = u16(local + 8);
      if (method !== STORED && method !== DEFLATED) return damaged;
      let localCompressed = u32(local + 18);
      let localSize = u32(local + 22);
      const localName = u16(local + 26);
      const localExtra = u16(local + 28);
      if (localExtra > 0) {
        const own = zip64Sizes(view, local + 30 + localName, Math.min(n, local + 30 + localName + localExtra));
        if (own === 'short') return damaged;
        if (own?.size) localSize = own.size;
        if (own?.compressedSize) localCompressed = own.compressedSize;
        // SheetJS lets the directory's zip64 sizes win over the local header's.
        if (central64?.size) localSize = central64.size;
        if (central64?.compressedSize) localCompressed = central64.compressedSize;
      }
      const start = local + 30 + localName + localExtra;
      let mismatch: boolean;
      if (flags & HAS_DESCRIPTOR) {
        // Sizes follow the data; SheetJS checks them against the directory's. A stored part's data
        // is as long as its local header says, so that must match too; SheetJS sizes its buffer
        // by the local header's figure.
        let d = start + compressedSize;
        if (d + 4 <= n && u32(d) === SIG_DESCRIPTOR) d += 4;
        mismatch = d + 12 > n || u32(d + 4) !== compressedSize || u32(d + 8) !== size;
        mismatch ||= (method === STORED && localCompressed !== compressedSize) || localSize > size;
      } else {
        mismatch = localCompressed !== compressedSize || localSize !== size;
      }
      // The declared size is kept even so: a part declaring gigabytes is refused for that first.
      size = Math.max(size, localSize);
      if (!mismatch && start + compressedSize > n) return damaged;
      let name = '';
      for (let k = 0; k < localName; k++) name += String.fromCharCode(bytes[local + 30 + k]);
      parts.push({ name, method, compressedSize, size, start, mismatch });
    }
    return { ok: true, parts };
  } catch {
    // DataView throws past the end: a field cut off.
    return damaged;
  }
}

/** A part's bytes unpacked, or null when they come to more than `limit` bytes (unpacking stops
 * there, so a zip bomb costs at most the limit). Throws when the deflate data is damaged. */
export async function unpackPart(bytes: Uint8Array, part: ZipPart, limit: number): Promise<Uint8Array | null> {
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
