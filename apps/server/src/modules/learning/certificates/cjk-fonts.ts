import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import subsetFont from 'subset-font';

/**
 * Noto Sans SC, TC, JP and KR for the characters DejaVu lacks (Chinese, Japanese kana and kanji,
 * Korean Hangul, CJK punctuation). npm ships them only as the variable fonts of the
 * `@fontsource-variable/noto-sans-*` packages, each cut into ~100 woff2 files by unicode-range
 * (listed in the package's unicode.json), about 5 MB a language.
 *
 * fontkit cannot embed those files as they are: it reads a woff2 glyf table only through its
 * decoded outlines (pdf-lib's subsetter copies raw glyf bytes, which are empty in a transformed
 * woff2 table), and its woff2 glyphs ignore the variation axes, so it would draw the default
 * instance, which is Thin. HarfBuzz (the `subset-font` package, WebAssembly) instances a piece
 * at the weight wanted into a plain TrueType font; pdf-lib then subsets that as it does DejaVu.
 * A piece is read and instanced the first time a certificate needs it, then kept for the process.
 */
const require = createRequire(import.meta.url);

export const CJK_FAMILIES = ['sc', 'tc', 'jp', 'kr'] as const;
export type CjkFamily = (typeof CJK_FAMILIES)[number];
export type CjkWeight = 400 | 700;

const PACKAGE: Record<CjkFamily, string> = {
  sc: '@fontsource-variable/noto-sans-sc',
  tc: '@fontsource-variable/noto-sans-tc',
  jp: '@fontsource-variable/noto-sans-jp',
  kr: '@fontsource-variable/noto-sans-kr',
};

/** One woff2 piece of a family: the code point ranges it draws, sorted by start. */
interface Coverage {
  /** flat [start, end, pieceIndex] triples, sorted by start */
  ranges: Int32Array;
  pieces: string[];
}

const coverage = new Map<CjkFamily, Coverage>();

function parseRanges(css: string): Array<[number, number]> {
  return css.split(',').map((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
    const start = parseInt(a!, 16);
    return [start, b ? parseInt(b, 16) : start];
  });
}

function familyCoverage(family: CjkFamily): Coverage {
  let c = coverage.get(family);
  if (!c) {
    const table = JSON.parse(readFileSync(require.resolve(`${PACKAGE[family]}/unicode.json`), 'utf8')) as Record<string, string>;
    const pieces = Object.keys(table).map((key) => key.replace(/^\[(\d+)\]$/, '$1'));
    const triples: Array<[number, number, number]> = [];
    Object.values(table).forEach((css, i) => {
      for (const [start, end] of parseRanges(css)) triples.push([start, end, i]);
    });
    triples.sort((x, y) => x[0] - y[0]);
    c = { ranges: Int32Array.from(triples.flat()), pieces };
    coverage.set(family, c);
  }
  return c;
}

/** The piece of the family that draws the code point, or null when the family has none. */
export function cjkPieceFor(family: CjkFamily, codePoint: number): string | null {
  const { ranges, pieces } = familyCoverage(family);
  let lo = 0;
  let hi = ranges.length / 3 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = ranges[mid * 3]!;
    if (codePoint < start) hi = mid - 1;
    else if (codePoint > ranges[mid * 3 + 1]!) lo = mid + 1;
    else return pieces[ranges[mid * 3 + 2]!]!;
  }
  return null;
}

const instanced = new Map<string, Promise<Uint8Array>>();

/** The piece as a static TrueType font at the weight (wght axis, 100-900), read and instanced once per process. */
export function cjkPieceFont(family: CjkFamily, piece: string, weight: number): Promise<Uint8Array> {
  const key = `${family}/${piece}/${weight}`;
  let font = instanced.get(key);
  if (!font) {
    const file = require.resolve(`${PACKAGE[family]}/files/noto-sans-${family}-${piece}-wght-normal.woff2`);
    font = subsetFont(readFileSync(file), null, { targetFormat: 'sfnt', variationAxes: { wght: weight }, keepAllGlyphs: true, noHinting: true }).then(
      (b) => new Uint8Array(b),
    );
    font.catch(() => instanced.delete(key));
    instanced.set(key, font);
  }
  return font;
}
