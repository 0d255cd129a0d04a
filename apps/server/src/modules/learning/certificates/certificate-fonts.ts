import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { CJK_FAMILIES, cjkPieceFont, cjkPieceFor, type CjkFamily, type CjkWeight } from './cjk-fonts.js';

/**
 * The certificate's fonts. DejaVu (the `dejavu-fonts-ttf` package) draws Latin with every accent,
 * Greek, Cyrillic, Hebrew and Arabic; what it lacks (Chinese, Japanese, Korean) comes from Noto
 * Sans SC/TC/JP/KR (see cjk-fonts.ts). Every font is embedded as a subset, so a PDF carries only
 * the glyphs it uses. A string is drawn as consecutive runs, each in the first font of its style's
 * chain that has the characters; a character no font has becomes U+FFFD "�" (the PDF's metadata
 * and the verification page keep the full text).
 */
const require = createRequire(import.meta.url);
const FILES = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  serif: 'dejavu-fonts-ttf/ttf/DejaVuSerif-BoldItalic.ttf',
} as const;
export type CertificateFontName = keyof typeof FILES;

let cache: Record<CertificateFontName, Uint8Array> | null = null;
function fontBytes(): Record<CertificateFontName, Uint8Array> {
  cache ??= {
    regular: readFileSync(require.resolve(FILES.regular)),
    bold: readFileSync(require.resolve(FILES.bold)),
    serif: readFileSync(require.resolve(FILES.serif)),
  };
  return cache;
}

/** The character drawn for one the fonts do not have. */
export const MISSING_GLYPH = '\uFFFD';

/** A piece of a string drawn in one font, in visual (left to right) order. */
export interface TextRun {
  text: string;
  font: PDFFont;
}

const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u;
const STRONG_LTR = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;
const HANGUL = /[\u1100-\u11FF\u3130-\u318F\uA960-\uA97F\uAC00-\uD7AF\uD7B0-\uD7FF]/u;
const KANA = /[\u3040-\u30FF\u31F0-\u31FF\uFF66-\uFF9F]/u;

/** Which CJK family to try first for a word: Korean for Hangul, Japanese for kana, else Chinese. */
function familyOrder(word: string, whole: string): CjkFamily[] {
  const first: CjkFamily = HANGUL.test(word) ? 'kr' : KANA.test(word) ? 'jp' : KANA.test(whole) ? 'jp' : HANGUL.test(whole) ? 'kr' : 'sc';
  return [first, ...CJK_FAMILIES.filter((f) => f !== first)];
}

type Dir = 'L' | 'R' | 'N';
const dirOf = (ch: string): Dir => (RTL.test(ch) ? 'R' : STRONG_LTR.test(ch) ? 'L' : 'N');

/**
 * Direction of each character for a one-line label: Hebrew/Arabic right to left, letters and
 * digits left to right, and neutrals (spaces, punctuation) that of their neighbours when both
 * agree, else that of the line (its first strong character).
 */
function directions(chars: string[]): { dirs: Array<'L' | 'R'>; base: 'L' | 'R' } {
  const raw = chars.map(dirOf);
  const base = (raw.find((d) => d !== 'N') ?? 'L') as 'L' | 'R';
  const dirs = raw.map((d, i) => {
    if (d !== 'N') return d;
    let before: Dir = 'N';
    for (let j = i - 1; j >= 0 && before === 'N'; j--) before = raw[j]!;
    let after: Dir = 'N';
    for (let j = i + 1; j < raw.length && after === 'N'; j++) after = raw[j]!;
    return before !== 'N' && before === after ? before : base;
  });
  return { dirs, base };
}

/** One style (regular, bold, serif): its fallback chain and the document's CJK pieces at its weight. */
export class CertificateTextStyle {
  private readonly charsets = new Map<PDFFont, Set<number>>();

  constructor(
    private readonly doc: PDFDocument,
    /** the document's CJK pieces at this weight, shared by the styles of that weight */
    private readonly pieces: Map<string, Promise<PDFFont>>,
    /** DejaVu fonts, tried in order */
    private readonly chain: PDFFont[],
    private readonly weight: CjkWeight,
  ) {}

  /** The primary font (for strings known to be Latin, like the certificate id). */
  get font(): PDFFont {
    return this.chain[0]!;
  }

  private has(font: PDFFont, codePoint: number): boolean {
    let set = this.charsets.get(font);
    if (!set) {
      set = new Set(font.getCharacterSet());
      this.charsets.set(font, set);
    }
    return set.has(codePoint);
  }

  private piece(family: CjkFamily, piece: string): Promise<PDFFont> {
    const key = `${family}/${piece}`;
    let font = this.pieces.get(key);
    if (!font) {
      font = cjkPieceFont(family, piece, this.weight).then((bytes) => this.doc.embedFont(bytes, { subset: true }));
      this.pieces.set(key, font);
    }
    return font;
  }

  /** The font for each character (U+FFFD in the primary font when none has it). */
  private async fontsFor(chars: string[], whole: string): Promise<Array<{ ch: string; font: PDFFont }>> {
    const out: Array<{ ch: string; font: PDFFont } | null> = chars.map(() => null);
    const cjk: number[] = [];
    chars.forEach((ch, i) => {
      const cp = ch.codePointAt(0)!;
      const prev = i > 0 ? out[i - 1] : null;
      // a combining mark stays with its base character when that font has it
      const font = MARK.test(ch) && prev && this.has(prev.font, cp) ? prev.font : this.chain.find((f) => this.has(f, cp));
      if (font) out[i] = { ch, font };
      else cjk.push(i);
    });
    // the characters DejaVu lacks, word by word: one family for the whole word when it can
    const words = new Map<number, number[]>();
    for (const i of cjk) {
      let start = i;
      while (start > 0 && !/\s/u.test(chars[start - 1]!)) start--;
      words.set(start, [...(words.get(start) ?? []), i]);
    }
    for (const [start, indexes] of words) {
      let end = start;
      while (end < chars.length && !/\s/u.test(chars[end]!)) end++;
      const order = familyOrder(chars.slice(start, end).join(''), whole);
      const cps = indexes.map((i) => chars[i]!.codePointAt(0)!);
      const wordFamily = order.find((f) => cps.every((cp) => cjkPieceFor(f, cp)));
      for (const [k, i] of indexes.entries()) {
        const cp = cps[k]!;
        const family = wordFamily ?? order.find((f) => cjkPieceFor(f, cp));
        const piece = family ? cjkPieceFor(family, cp) : null;
        const font = family && piece ? await this.piece(family, piece) : null;
        out[i] = font && this.has(font, cp) ? { ch: chars[i]!, font } : { ch: MISSING_GLYPH, font: this.font };
      }
    }
    return out as Array<{ ch: string; font: PDFFont }>;
  }

  /**
   * The string as runs to draw left to right. Line breaks and tabs become spaces. Hebrew and
   * Arabic runs are shaped and mirrored by fontkit (pdf-lib lays each run out with it); the runs of
   * a right-to-left line are placed right to left.
   */
  async runs(text: string): Promise<TextRun[]> {
    const clean = text.replace(/[\r\n\t]+/g, ' ');
    const chars = [...clean];
    if (chars.length === 0) return [];
    const fonts = await this.fontsFor(chars, clean);
    const { dirs, base } = directions(fonts.map((f) => f.ch));
    const runs: Array<TextRun & { dir: 'L' | 'R' }> = [];
    fonts.forEach(({ ch, font }, i) => {
      const last = runs[runs.length - 1];
      if (last && last.font === font && last.dir === dirs[i]) last.text += ch;
      else runs.push({ text: ch, font, dir: dirs[i]! });
    });
    // consecutive right-to-left runs (say Arabic then a CJK-less neutral in another font) read
    // from the right: reverse each maximal sequence of them, then the whole line if it is RTL
    const visual: Array<TextRun & { dir: 'L' | 'R' }> = [];
    for (let i = 0; i < runs.length; ) {
      let j = i;
      while (j < runs.length && runs[j]!.dir === runs[i]!.dir) j++;
      const group = runs.slice(i, j);
      visual.push(...(runs[i]!.dir === 'R' ? group.reverse() : group));
      i = j;
    }
    if (base === 'R') {
      // an RTL line: its LTR groups keep their inner order, the groups read from the right
      const groups: Array<typeof visual> = [];
      for (const r of visual) {
        const g = groups[groups.length - 1];
        if (g && g[0]!.dir === r.dir) g.push(r);
        else groups.push([r]);
      }
      visual.length = 0;
      for (const g of groups.reverse()) visual.push(...g);
    }
    return visual.map(({ text: t, font }) => ({ text: t, font }));
  }

  /** Width of the runs at a size (points). */
  static width(runs: TextRun[], size: number): number {
    return runs.reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, size), 0);
  }
}

export type CertificateFonts = Record<CertificateFontName, CertificateTextStyle>;

export async function embedCertificateFonts(doc: PDFDocument): Promise<CertificateFonts> {
  doc.registerFontkit(fontkit);
  const bytes = fontBytes();
  const regular = await doc.embedFont(bytes.regular, { subset: true });
  const bold = await doc.embedFont(bytes.bold, { subset: true });
  const serif = await doc.embedFont(bytes.serif, { subset: true });
  const pieces400 = new Map<string, Promise<PDFFont>>();
  const pieces700 = new Map<string, Promise<PDFFont>>();
  return {
    regular: new CertificateTextStyle(doc, pieces400, [regular], 400),
    bold: new CertificateTextStyle(doc, pieces700, [bold, regular], 700),
    // DejaVu Serif has no Hebrew or Arabic: those come from DejaVu Sans Bold
    serif: new CertificateTextStyle(doc, pieces700, [serif, bold], 700),
  };
}
