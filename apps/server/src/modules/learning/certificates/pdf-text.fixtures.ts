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
