// Draws the app's PNG icons (public/icons/) from the favicon's design: a dark blue rounded square,
// a white "P" and two yellow bars. No drawing library and no network: shapes are tested per pixel
// on a 4×4 grid of samples and written as an RGBA PNG with node:zlib. Run: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const BLUE = [0x0b, 0x3d, 0x78];
const WHITE = [0xff, 0xff, 0xff];
const YELLOW = [0xf5, 0xc5, 0x42];

/** The favicon's shapes in its 32×32 box, topmost last. */
function colourAt(x, y, { fullBleed }) {
  let colour = null;
  if (fullBleed || insideRoundedRect(x, y, 0, 0, 32, 32, 6)) colour = BLUE;
  const inP = (x >= 7 && x <= 15 && y >= 9 && y <= 19) || (x >= 15 && (x - 15) ** 2 + (y - 14) ** 2 <= 25) || (x >= 7 && x <= 11 && y >= 19 && y <= 23);
  if (inP) colour = WHITE;
  if ((x >= 19 && x <= 22 && y >= 17 && y <= 23) || (x >= 23.5 && x <= 26.5 && y >= 13 && y <= 23)) colour = YELLOW;
  return colour;
}

function insideRoundedRect(x, y, x0, y0, w, h, r) {
  if (x < x0 || y < y0 || x > x0 + w || y > y0 + h) return false;
  const cx = Math.min(Math.max(x, x0 + r), x0 + w - r);
  const cy = Math.min(Math.max(y, y0 + r), y0 + h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/**
 * RGBA pixels of the icon at `size` px. A maskable icon fills the square and keeps the design in
 * the central 80 % (the safe zone launchers never crop).
 */
function render(size, maskable) {
  const px = Buffer.alloc(size * size * 4);
  const scale = maskable ? 0.8 : 1;
  const offset = ((1 - scale) * 32) / 2;
  const S = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sj = 0; sj < S; sj++) {
        for (let si = 0; si < S; si++) {
          const x = (((i + (si + 0.5) / S) / size) * 32 - offset) / scale;
          const y = (((j + (sj + 0.5) / S) / size) * 32 - offset) / scale;
          const c = colourAt(x, y, { fullBleed: maskable }) ?? (maskable ? BLUE : null);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const o = (j * size + i) * 4;
      if (a) {
        px[o] = Math.round(r / a);
        px[o + 1] = Math.round(g / a);
        px[o + 2] = Math.round(b / a);
      }
      px[o + 3] = Math.round((a / (S * S)) * 255);
    }
  }
  return px;
}

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
  ['apple-touch-icon.png', 180, true],
]) {
  writeFileSync(new URL(name, out), png(size, render(size, maskable)));
  console.log(`public/icons/${name}`);
}
