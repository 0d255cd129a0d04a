import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * The certificate's fonts: DejaVu (from the `dejavu-fonts-ttf` package), which draws Latin with
 * every accent, Greek and Cyrillic, embedded as subsets so a PDF carries only the glyphs it uses.
 * No bundled font draws CJK (a Noto CJK TTF/OTF is 10+ MB and npm ships it only split into woff2
 * pieces), so characters outside DejaVu fall back to U+FFFD "�" on the page; the PDF's metadata
 * and the verification page keep the full name.
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

export async function embedCertificateFonts(doc: PDFDocument): Promise<Record<CertificateFontName, PDFFont>> {
  doc.registerFontkit(fontkit);
  const bytes = fontBytes();
  return {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
    serif: await doc.embedFont(bytes.serif, { subset: true }),
  };
}

/** The character drawn for one the fonts do not have. */
export const MISSING_GLYPH = '\uFFFD';
