// An OLE compound file (the container of .xls, .doc and password-protected Office files, [MS-CFB]):
// the names of the streams at its root, and one stream's bytes. Written here rather than taken
// from SheetJS because SheetJS follows a sector chain without noticing a loop and walks the
// directory tree without bounds, so a crafted file could make it run forever; here every chain is
// followed at most once per sector and the directory is read as a flat list. Pure: bytes in, names
// and bytes out, never throws.

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;
const STREAM = 2;
const ROOT = 5;
const MINI_SECTOR = 64;
const NO_ENTRY = 0xffffffff;

interface Entry {
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

/** A readable compound file: its root streams by name, and a way to read one. */
export interface OleFile {
  /** Names of the streams and storages directly under the root. */
  names: Set<string>;
  /** The stream's bytes, or null when it is not at the root or its sectors are damaged. */
  read(name: string): Uint8Array | null;
}

/** The file starts like a compound file. */
export const looksLikeOleFile = (bytes: Uint8Array): boolean => SIGNATURE.every((b, i) => bytes[i] === b);

/** The compound file in the bytes, or null when its header, sector tables or directory are damaged. */
export function readOleFile(bytes: Uint8Array): OleFile | null {
  if (bytes.length < 512 || !looksLikeOleFile(bytes)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const major = u16(0x1a);
  const shift = u16(0x1e);
  if (!((major === 3 && shift === 9) || (major === 4 && shift === 12)) || u16(0x20) !== 6) return null;
  const size = 1 << shift;
  const perSector = size / 4;
  // A last sector cut short (some writers leave it so) is read as far as it goes.
  const sectors = Math.ceil((bytes.length - size) / size);
  if (sectors <= 0) return null;
  const offset = (s: number) => (s + 1) * size;
  const inFile = (s: number) => s < sectors;

  // The sectors holding the allocation table: 109 in the header, then a chain of DIFAT sectors.
  const fat: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = u32(0x4c + i * 4);
    if (s === FREE || s === END_OF_CHAIN) break;
    if (!inFile(s)) return null;
    fat.push(s);
  }
  const seenDifat = new Set<number>();
  for (let d = u32(0x44); d !== END_OF_CHAIN && d !== FREE; d = u32(offset(d) + size - 4)) {
    if (!inFile(d) || seenDifat.has(d)) return null;
    seenDifat.add(d);
    for (let i = 0; i < perSector - 1; i++) {
      const s = u32(offset(d) + i * 4);
      if (s === FREE || s === END_OF_CHAIN) continue;
      if (!inFile(s)) return null;
      fat.push(s);
    }
  }
  const next = (s: number): number => {
    const table = fat[Math.floor(s / perSector)];
    return table === undefined ? FREE : u32(offset(table) + (s % perSector) * 4);
  };

  /** The sectors of a chain, each at most once; null when it loops, leaves the file or is too short. */
  const chain = (start: number, minLength: number): number[] | null => {
    const out: number[] = [];
    const seen = new Uint8Array(sectors);
    for (let s = start; s !== END_OF_CHAIN; s = next(s)) {
      if (!inFile(s) || seen[s]) return null;
      seen[s] = 1;
      out.push(s);
    }
    return out.length * size >= minLength ? out : null;
  };
  const gather = (list: number[], length: number, unit: number, at: (s: number) => number, from: Uint8Array): Uint8Array => {
    const out = new Uint8Array(length);
    for (let i = 0; i < list.length && i * unit < length; i++) {
      const o = at(list[i]);
      out.set(from.subarray(o, o + Math.min(unit, length - i * unit)), i * unit);
    }
    return out;
  };

  const directory = chain(u32(0x30), 128);
  if (!directory) return null;
  const entries: Entry[] = [];
  for (const s of directory) {
    for (let o = offset(s); o < offset(s) + size; o += 128) {
      const nameBytes = Math.min(64, u16(o + 64));
      let name = '';
      for (let k = 0; k + 1 < nameBytes - 1; k += 2) name += String.fromCharCode(u16(o + k));
      entries.push({ name, type: bytes[o + 66], left: u32(o + 68), right: u32(o + 72), child: u32(o + 76), start: u32(o + 116), size: u32(o + 120) });
    }
  }
  const root = entries[0];
  if (root?.type !== ROOT) return null;

  // The root's children: a tree of siblings (left, right) under its child, walked with a stack.
  const children = new Map<string, Entry>();
  const visited = new Uint8Array(entries.length);
  for (const stack = [root.child]; stack.length > 0;) {
    const i = stack.pop()!;
    if (i === NO_ENTRY || i >= entries.length || visited[i]) continue;
    visited[i] = 1;
    const e = entries[i];
    if (e.type !== 0) children.set(e.name, e);
    stack.push(e.left, e.right);
  }

  const cutoff = u32(0x38);
  let mini: { data: Uint8Array; table: Uint8Array } | null | undefined;
  const miniStream = () => {
    if (mini !== undefined) return mini;
    const container = chain(root.start, root.size);
    const table = chain(u32(0x3c), 0);
    mini = container && table ? { data: gather(container, root.size, size, offset, bytes), table: gather(table, table.length * size, size, offset, bytes) } : null;
    return mini;
  };

  return {
    names: new Set(children.keys()),
    read(name) {
      const e = children.get(name);
      if (!e || e.type !== STREAM || e.size > bytes.length) return null;
      if (e.size >= cutoff) {
        const list = chain(e.start, e.size);
        return list ? gather(list, e.size, size, offset, bytes) : null;
      }
      const m = miniStream();
      if (!m) return null;
      const count = m.data.length / MINI_SECTOR;
      const table = new DataView(m.table.buffer);
      const list: number[] = [];
      const seen = new Uint8Array(Math.ceil(count));
      for (let s = e.start; s !== END_OF_CHAIN; s = s * 4 + 4 <= m.table.length ? table.getUint32(s * 4, true) : FREE) {
        if (s >= count || seen[s]) return null;
        seen[s] = 1;
        list.push(s);
      }
      if (list.length * MINI_SECTOR < e.size) return null;
      return gather(list, e.size, MINI_SECTOR, (s) => s * MINI_SECTOR, m.data);
    },
  };
}
