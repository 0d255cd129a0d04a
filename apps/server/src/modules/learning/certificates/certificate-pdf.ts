import { fill, PDFDocument, PDFName, PDFString, type PDFPage, type RGB, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingRgbColor } from 'pdf-lib';
import QRCode from 'qrcode';
import { CertificateTextStyle, embedCertificateFonts, type TextRun } from './certificate-fonts.js';

export interface CertificatePdfFacts {
  code: string;
  title: string;
  learnerName: string;
  courseTitle: string;
  completedAt: Date;
  issuedAt: Date;
  issuerName: string;
  signerName: string;
  signerTitle: string;
  description: string;
  verifyUrl: string;
  signature: { bytes: Uint8Array; contentType: string } | null;
  /** a preview is watermarked so it cannot pass for a certificate */
  preview?: boolean;
}

/** The QR code's modules for a URL (row-major, true = dark), the same matrix drawn into the PDF. */
export function qrModules(text: string): { size: number; dark: boolean[] } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const dark: boolean[] = [];
  for (let i = 0; i < size * size; i++) dark.push(Boolean(qr.modules.data[i]));
  return { size, dark };
}

/** Position and module size of the QR code on the page (PDF points, origin bottom-left). */
export const QR_BOX = { x: 682, y: 60, width: 110 };

const W = 842;
const H = 595;
const INK = rgb(0.12, 0.16, 0.22);
const ACCENT = rgb(0.15, 0.35, 0.6);
const MUTED = rgb(0.38, 0.42, 0.48);

/** Draws the runs of a string from x, one after the other. */
function drawRuns(page: PDFPage, runs: TextRun[], x: number, y: number, size: number, color: RGB): void {
  for (const run of runs) {
    page.drawText(run.text, { x, y, size, font: run.font, color });
    x += run.font.widthOfTextAtSize(run.text, size);
  }
}

/** A line centred on the page, shrunk (down to 8 pt) until it fits the width. */
async function centered(page: PDFPage, style: CertificateTextStyle, text: string, y: number, maxSize: number, color = INK, maxWidth = W - 160): Promise<void> {
  const runs = await style.runs(text);
  let size = maxSize;
  while (size > 8 && CertificateTextStyle.width(runs, size) > maxWidth) size -= 1;
  drawRuns(page, runs, (W - CertificateTextStyle.width(runs, size)) / 2, y, size, color);
}

/** A line ending at x (right-aligned). */
function rightAligned(page: PDFPage, runs: TextRun[], x: number, y: number, size: number, color: RGB): void {
  drawRuns(page, runs, x - CertificateTextStyle.width(runs, size), y, size, color);
}

function formatDay(d: Date): string {
  return d.toLocaleDateString('en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

/**
 * One landscape A4 page: the heading, the learner, the course, the completion date, the issuer,
 * the signature, the certificate id and a QR code linking to its public verification page (also
 * a clickable link). Deterministic for the same facts.
 */
export async function renderCertificatePdf(f: CertificatePdfFacts): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const heading = `${f.title}: ${f.courseTitle}`;
  doc.setTitle(`${heading} (${f.code})`);
  doc.setSubject(`Awarded to ${f.learnerName}`);
  doc.setAuthor(f.issuerName);
  doc.setKeywords([f.code, f.verifyUrl]);
  doc.setCreator('Lyceum');
  doc.setProducer('Lyceum (pdf-lib)');
  doc.setCreationDate(f.issuedAt);
  doc.setModificationDate(f.issuedAt);
  const page = doc.addPage([W, H]);
  const { regular, bold, serif } = await embedCertificateFonts(doc);

  page.drawRectangle({ x: 24, y: 24, width: W - 48, height: H - 48, borderColor: ACCENT, borderWidth: 3 });
  page.drawRectangle({ x: 34, y: 34, width: W - 68, height: H - 68, borderColor: ACCENT, borderWidth: 0.8 });
  if (f.preview) await centered(page, bold, 'PREVIEW - NOT A CERTIFICATE', H - 62, 12, rgb(0.75, 0.2, 0.2));

  await centered(page, bold, f.title.toUpperCase(), H - 120, 30, ACCENT);
  await centered(page, regular, 'This certifies that', H - 175, 14, MUTED);
  await centered(page, serif, f.learnerName, H - 230, 40);
  await centered(page, regular, 'has completed the course', H - 270, 14, MUTED);
  await centered(page, bold, f.courseTitle, H - 310, 24);
  await centered(page, regular, `on ${formatDay(f.completedAt)}`, H - 340, 13, MUTED);
  if (f.description) await centered(page, regular, f.description, H - 370, 11, MUTED);
  await centered(page, bold, `Issued by ${f.issuerName}`, H - 400, 13);

  // signature block, bottom left
  const lineY = 110;
  if (f.signature) {
    const img = f.signature.contentType === 'image/png' ? await doc.embedPng(f.signature.bytes) : await doc.embedJpg(f.signature.bytes);
    const scale = Math.min(200 / img.width, 60 / img.height, 1);
    page.drawImage(img, { x: 80, y: lineY + 6, width: img.width * scale, height: img.height * scale });
  }
  page.drawLine({ start: { x: 80, y: lineY }, end: { x: 300, y: lineY }, thickness: 0.8, color: INK });
  drawRuns(page, await bold.runs(f.signerName), 80, lineY - 16, 11, INK);
  if (f.signerTitle) drawRuns(page, await regular.runs(f.signerTitle), 80, lineY - 30, 10, MUTED);

  // id and QR code, bottom right: the QR modules are drawn as filled squares
  const qr = qrModules(f.verifyUrl);
  const cell = QR_BOX.width / qr.size;
  const ops = [pushGraphicsState(), setFillingRgbColor(0, 0, 0)];
  for (let r = 0; r < qr.size; r++) {
    for (let c = 0; c < qr.size; c++) {
      if (qr.dark[r * qr.size + c]) ops.push(rectangle(QR_BOX.x + c * cell, QR_BOX.y + QR_BOX.width - (r + 1) * cell, cell, cell));
    }
  }
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
  const link = doc.context.register(
    doc.context.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [QR_BOX.x, QR_BOX.y, QR_BOX.x + QR_BOX.width, QR_BOX.y + QR_BOX.width],
      Border: [0, 0, 0],
      A: { Type: 'Action', S: 'URI', URI: PDFString.of(f.verifyUrl) },
    }),
  );
  page.node.set(PDFName.of('Annots'), doc.context.obj([link]));
  const idText = `Certificate ID ${f.code}`;
  rightAligned(page, await bold.runs(idText), QR_BOX.x + QR_BOX.width, QR_BOX.y - 16, 10, INK);
  const verifyRuns = await regular.runs(`Verify: ${f.verifyUrl}`);
  const vSize = Math.min(8, (W - 380) / Math.max(CertificateTextStyle.width(verifyRuns, 1), 1));
  rightAligned(page, verifyRuns, QR_BOX.x + QR_BOX.width, QR_BOX.y - 28, vSize, MUTED);
  drawRuns(page, await regular.runs(`Issued ${formatDay(f.issuedAt)}`), 340, lineY - 16, 10, MUTED);

  return doc.save();
}
