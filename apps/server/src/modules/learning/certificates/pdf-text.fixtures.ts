import fontkit from '@pdf-lib/fontkit';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The text a PDF reader extracts from every page (pdf.js, through the fonts' ToUnicode maps), one
 * line per text run, and the document's metadata: what a person copying from the certificate gets.
 */
export async function extractPdfText(bytes: Uint8Array): Promise<{ lines: string[]; info: Record<string, unknown> }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  try {
    const lines: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) if ('str' in item && item.str.trim()) lines.push(item.str);
    }
    const meta = await pdf.getMetadata();
    return { lines, info: meta.info as Record<string, unknown> };
  } finally {
    await pdf.destroy();
  }
}

/** One glyph embedded in a PDF font: the text its ToUnicode map gives and whether it has an outline. */
export interface EmbeddedGlyph {
  text: string;
  font: string;
  glyphId: number;
  /** false for .notdef (glyph 0) and for glyphs of visible characters with an empty outline */
  drawn: boolean;
  /** the outline as an SVG path */
  outline: string;
}

function hexText(hex: string): string {
  const units: number[] = [];
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
  return String.fromCharCode(...units);
}

/**
 * Every glyph of every font used on the first page, read from the embedded font programs
 * (FontFile2, parsed with fontkit) through the fonts' ToUnicode maps: the glyphs a viewer
 * actually paints, and what each one stands for.
 */
export async function embeddedGlyphs(bytes: Uint8Array): Promise<EmbeddedGlyph[]> {
  const doc = await PDFDocument.load(bytes);
  const fonts = doc.getPage(0).node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
  const out: EmbeddedGlyph[] = [];
  const seen = new Set<string>();
  for (const key of fonts.keys()) {
    // a font drawn more than once can be listed under several resource names
    const ref = String(fonts.get(key));
    if (seen.has(ref)) continue;
    seen.add(ref);
    const type0 = doc.context.lookup(fonts.get(key)) as PDFDict;
    const name = type0.get(PDFName.of('BaseFont'))!.toString().slice(1);
    const cidFont = doc.context.lookup(type0.lookup(PDFName.of('DescendantFonts'), PDFArray).get(0)) as PDFDict;
    const descriptor = cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict);
    const program = descriptor.lookup(PDFName.of('FontFile2')) as PDFRawStream;
    const font = fontkit.create(Buffer.from(decodePDFRawStream(program).decode()));
    const cmap = Buffer.from(decodePDFRawStream(type0.lookup(PDFName.of('ToUnicode')) as PDFRawStream).decode()).toString('latin1');
    const map = new Map<number, string>();
    for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), hexText(m[2]!));
    }
    for (const [cid, text] of map) {
      // pdf-lib embeds Identity-H fonts whose CIDs are the subset's glyph ids, mapped with bfchar
      const outline = font.getGlyph(cid).path.toSVG();
      out.push({ text, font: name, glyphId: cid, drawn: cid !== 0 && (outline !== '' || !text.trim()), outline });
    }
  }
  return out;
}
