import { PDFDocument, PDFName, PDFDict } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderCertificatePdf, type CertificatePdfFacts } from './certificate-pdf.js';
import { embeddedGlyphs, extractPdfText } from './pdf-text.fixtures.js';

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

  it('draws Chinese, Japanese and Korean names and titles with real glyphs, each run in a font that has it', async () => {
    const name = '王小明 山田太郎 김민준';
    const course = '日本語入門：ひらがなとカタカナ';
    const issuer = '國立臺灣大學 北京大学 서울대학교';
    const bytes = await renderCertificatePdf({ ...facts(name, course), issuerName: issuer });
    const glyphs = await embeddedGlyphs(bytes);
    const chars = new Set([...`${name}${course}${issuer}`].filter((c) => c.trim()));
    for (const ch of chars) {
      const painted = glyphs.filter((g) => g.text === ch);
      expect(painted.length, `glyph for ${ch}`).toBeGreaterThan(0);
      expect(painted.every((g) => g.drawn), `outline for ${ch}`).toBe(true);
    }
    expect(glyphs.some((g) => g.text === '\uFFFD')).toBe(false);
    // Hangul from Noto Sans KR, kana from Noto Sans JP
    expect(glyphs.find((g) => g.text === '김')!.font).toMatch(/NotoSansKR/);
    expect(glyphs.find((g) => g.text === 'ひ')!.font).toMatch(/NotoSansJP/);
    const { lines, info } = await extractPdfText(bytes);
    const text = lines.join('').replace(/\s/g, '');
    for (const s of [name, course, `Issued by ${issuer}`]) expect(text).toContain(s.replace(/\s/g, ''));
    expect(info.Subject).toBe(`Awarded to ${name}`);
    // only the glyphs used are embedded
    expect(bytes.byteLength).toBeLessThan(150_000);
  });

  it('the CJK glyphs are drawn at the weight of their line, not the variable font default (Thin)', async () => {
    const bytes = await renderCertificatePdf({ ...facts('山田', '山田'), description: '山田' });
    const glyphs = (await embeddedGlyphs(bytes)).filter((g) => g.text === '山');
    // one 山 at 400 (the description), one at 700 (the course title; the learner name shares it)
    expect(glyphs).toHaveLength(2);
    expect(glyphs.every((g) => g.drawn)).toBe(true);
    expect(glyphs[0]!.outline).not.toBe(glyphs[1]!.outline);
    const { cjkPieceFor, cjkPieceFont } = await import('./cjk-fonts.js');
    const fontkit = (await import('@pdf-lib/fontkit')).default;
    const piece = cjkPieceFor('sc', '山'.codePointAt(0)!)!;
    // the embedded outlines are exactly the font's at 400 and 700 (pdf-lib copies the glyph as is)
    const outlineAt = async (weight: 100 | 400 | 700) => {
      const f = fontkit.create(Buffer.from(await cjkPieceFont('sc', piece, weight)));
      return f.glyphForCodePoint('山'.codePointAt(0)!).path.toSVG();
    };
    expect(new Set(glyphs.map((g) => g.outline))).toEqual(new Set([await outlineAt(400), await outlineAt(700)]));
    expect(glyphs.map((g) => g.outline)).not.toContain(await outlineAt(100));
  });

  it('keeps Hebrew and Arabic in DejaVu (the serif name falls back to DejaVu Sans Bold), with nothing missing', async () => {
    const bytes = await renderCertificatePdf(facts('أحمد علي', 'שלום עולם'));
    const glyphs = await embeddedGlyphs(bytes);
    expect(glyphs.some((g) => g.text === '\uFFFD' || !g.drawn)).toBe(false);
    const rtl = glyphs.filter((g) => /[\u0590-\u06FF]/u.test(g.text));
    expect(new Set(rtl.map((g) => g.text))).toEqual(new Set([...'أحمدعليשלוםעולם']));
    expect(rtl.every((g) => /^DejaVuSans/.test(g.font))).toBe(true);
  });

  it('a character no font has (an emoji) still becomes U+FFFD, and the metadata keeps it', async () => {
    const bytes = await renderCertificatePdf(facts('Łukasz 🦊'));
    const { lines, info } = await extractPdfText(bytes);
    expect(lines).toContain('Łukasz \uFFFD');
    expect(info.Subject).toBe('Awarded to Łukasz 🦊');
  });
});
