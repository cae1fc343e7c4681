// Clipboard tables: tab-separated text as Excel, LibreOffice and Google Sheets put it on the
// clipboard. Cells holding a tab, a line break or a quote arrive wrapped in double quotes with
// inner quotes doubled; everything else arrives raw, so a stray quote is kept as text.

/** Rows of cells from clipboard text. Rows end at CRLF, LF or CR; a final line break does not add
 * an empty row; "" gives no rows. A cell starting with '"' is read as quoted only if its closing
 * quote is followed by a tab, a line break or the end; otherwise the cell is taken literally.
 * Rows are returned as written (not padded to the same length). */
export function parseClipboardTable(text: string): string[][] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const n = s.length;
  if (n === 0) return rows;

  for (;;) {
    // Read one cell starting at i.
    let cell: string | null = null;
    if (s[i] === '"') {
      const quoted = readQuoted(s, i);
      if (quoted) {
        cell = quoted.value;
        i = quoted.end;
      }
    }
    if (cell === null) {
      let j = i;
      while (j < n && s[j] !== '\t' && s[j] !== '\n' && s[j] !== '\r') j++;
      cell = s.slice(i, j);
      i = j;
    }
    row.push(cell);

    // i is now at a tab, a line break or the end.
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    if (s[i] === '\t') {
      i++;
      continue;
    }
    i += s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1;
    rows.push(row);
    row = [];
    if (i >= n) return rows;
  }
}

/** A quoted cell opening at `start`: its value and the index just past the closing quote, or null
 * if there is no closing quote followed by a tab, a line break or the end. */
function readQuoted(s: string, start: number): { value: string; end: number } | null {
  let value = '';
  let i = start + 1;
  while (i < s.length) {
    const q = s.indexOf('"', i);
    if (q < 0) return null;
    value += s.slice(i, q);
    if (s[q + 1] === '"') {
      value += '"';
      i = q + 2;
      continue;
    }
    const after = s[q + 1];
    if (after === undefined || after === '\t' || after === '\n' || after === '\r') {
      return { value, end: q + 1 };
    }
    return null;
  }
  return null;
}
