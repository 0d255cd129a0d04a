import { PDFDocument, PDFName, PDFDict } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderCertificatePdf, type CertificatePdfFacts } from './certificate-pdf.js';
import { extractPdfText } from './pdf-text.fixtures.js';

const facts = (learnerName: string, courseTitle = 'Kurs języka polskiego'): CertificatePdfFacts => ({
  code: 'ABCD-1234',
  title: 'Certificate of completion',
  learnerName,
  courseTitle,
  completedAt: new Date('2026-03-01T00:00:00Z'),
  issuedAt: new Date('2026-03-02T00:00:00Z'),
  issuerName: 'Akademia Ćwiczeń',
  signerName: 'Zoë Ægir',
  signerTitle: 'Декан',
  description: '',
  verifyUrl: 'https://lyceum.example/verify/ABCD-1234',
  signature: null,
});

describe('certificate PDF text in every script the fonts carry', () => {
  it('draws Polish, Nordic, Cyrillic and Greek names so that a reader extracts them exactly', async () => {
    const bytes = await renderCertificatePdf(facts('Łukasz Żółć'));
    const { lines } = await extractPdfText(bytes);
    for (const s of ['Łukasz Żółć', 'Kurs języka polskiego', 'Issued by Akademia Ćwiczeń', 'Zoë Ægir', 'Декан', 'Certificate ID ABCD-1234']) expect(lines).toContain(s);
    const greek = await extractPdfText(await renderCertificatePdf(facts('Юлия Петрова', 'Ελληνικά για αρχάριους')));
    expect(greek.lines).toContain('Юлия Петрова');
    expect(greek.lines).toContain('Ελληνικά για αρχάριους');
  });

  it('embeds a subset of a Unicode font, not the standard fonts', async () => {
    const bytes = await renderCertificatePdf(facts('Łukasz Żółć'));
    const doc = await PDFDocument.load(bytes);
    const fonts = doc.getPage(0).node.Resources()!.lookup(PDFName.of('Font'), PDFDict);
    const names = new Set(fonts.keys().map((k) => (doc.context.lookup(fonts.get(k)) as PDFDict).get(PDFName.of('BaseFont'))!.toString()));
    expect(names.size).toBe(3);
    for (const n of names) expect(n).toMatch(/^\/DejaVu/);
    // three full DejaVu files are ~1.8 MB: the subsets keep the PDF small
    expect(bytes.byteLength).toBeLessThan(150_000);
  });

  it('CJK, which no bundled font draws, falls back to U+FFFD on the page and keeps the full name in the metadata', async () => {
    const bytes = await renderCertificatePdf(facts('Łukasz Żółć 李小龍'));
    const { lines, info } = await extractPdfText(bytes);
    expect(lines).toContain('Łukasz Żółć \uFFFD\uFFFD\uFFFD');
    expect(info.Subject).toBe('Awarded to Łukasz Żółć 李小龍');
  });
});
