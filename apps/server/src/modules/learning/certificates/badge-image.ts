/**
 * The Open Badges achievement image: an SVG badge (a medal with a ribbon) carrying the course
 * title, deterministic for the same facts. Text is escaped; the SVG has no scripts, links or
 * external references, so it is safe to serve publicly and to embed.
 */
export interface BadgeImageFacts {
  courseTitle: string;
  title: string;
  issuerName: string;
}

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

/** Greedy word wrap into at most `lines` lines of about `width` characters; the last one ends in "…" when cut. */
export function wrapTitle(text: string, width = 16, lines = 3): string[] {
  const words = text.trim().split(/\s+/u).filter(Boolean);
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    if ([...word].length > width) word = [...word].slice(0, width - 1).join('') + '…';
    const next = current ? `${current} ${word}` : word;
    if ([...next].length <= width) {
      current = next;
      continue;
    }
    out.push(current);
    current = word;
    if (out.length === lines) {
      out[lines - 1] = [...out[lines - 1]!].slice(0, width - 1).join('') + '…';
      return out;
    }
  }
  if (current) out.push(current);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = [...out[lines - 1]!].slice(0, width - 1).join('') + '…';
  }
  return out;
}

export function renderBadgeSvg(f: BadgeImageFacts): string {
  const lines = wrapTitle(f.courseTitle);
  const size = lines.length > 2 ? 20 : 23;
  const top = 200 - ((lines.length - 1) * (size + 4)) / 2;
  const text = lines.map((l, i) => `<text x="200" y="${top + i * (size + 4)}" font-size="${size}" font-weight="700" fill="#1f2937">${escapeXml(l)}</text>`).join('');
  const label = escapeXml(`${f.title}: ${f.courseTitle}, ${f.issuerName}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="${label}">`,
    `<title>${label}</title>`,
    '<path d="M130 290 L95 390 L140 370 L165 400 L190 300 Z" fill="#1e4f8f"/>',
    '<path d="M270 290 L305 390 L260 370 L235 400 L210 300 Z" fill="#1e4f8f"/>',
    '<circle cx="200" cy="190" r="150" fill="#2a5b99"/>',
    '<circle cx="200" cy="190" r="132" fill="#f8fafc" stroke="#c9a227" stroke-width="8"/>',
    `<g font-family="DejaVu Sans, Verdana, sans-serif" text-anchor="middle">`,
    `<text x="200" y="118" font-size="15" letter-spacing="2" fill="#2a5b99">${escapeXml(f.title.toUpperCase().slice(0, 28))}</text>`,
    text,
    `<text x="200" y="282" font-size="13" fill="#4b5563">${escapeXml([...f.issuerName].slice(0, 32).join(''))}</text>`,
    '</g></svg>',
  ].join('');
}
