import sanitizeHtml from 'sanitize-html';
import { renderMarkdown } from '../../courses/index.js';
import type { XElement, XNode } from './qti-xml.js';
import { textContent, xmlSafe } from './qti-xml.js';

/*
 * Markdown <-> the XHTML subset QTI item bodies allow. Export renders with the courses module's
 * renderMarkdown (sanitized GitHub markdown) and narrows the result to elements and attributes
 * the QTI content model knows, written as XML (void elements closed, text escaped). Import turns
 * QTI XHTML back into markdown; Lyceum's own exports also carry the original markdown, so their
 * round trip does not depend on this conversion.
 */

const QTI_CONTENT: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'div', 'span', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'strong', 'em', 'b', 'i',
    'sub', 'sup', 'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'kbd', 'q', 'cite', 'abbr',
  ],
  allowedAttributes: { a: ['href'], img: ['src', 'alt', 'width', 'height'], ol: ['start'], code: ['class'] },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  // Tags QTI has no room for keep their text: <del>x</del> -> x, a task-list checkbox -> nothing.
  disallowedTagsMode: 'discard',
  transformTags: { del: 'span', ins: 'span', s: 'span' },
  selfClosing: ['img', 'br', 'hr'],
};

/** Markdown -> QTI XHTML flow content (a string of XML). `img` needs `alt` in QTI; it gets one. */
export function markdownToXhtml(markdown: string): string {
  const html = renderMarkdown(markdown);
  const narrowed = xmlSafe(sanitizeHtml(html, QTI_CONTENT));
  return narrowed.replace(/<img(?![^>]*\balt=)/g, '<img alt=""').trim();
}

// ---- XHTML -> markdown ------------------------------------------------------------------------

const BLOCKS = new Set(['p', 'div', 'ul', 'ol', 'li', 'pre', 'blockquote', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'dl', 'figure', 'section']);

/** Escapes what markdown would otherwise read as syntax in plain text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1').replace(/^(\s*)([#+-]|\d+\.)(\s)/gm, '$1\\$2$3');
}

function inline(nodes: XNode[]): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') {
      out += n.raw ? n.text : escapeMarkdown(n.text.replace(/\s+/g, ' '));
      continue;
    }
    const inner = () => inline(n.children);
    switch (n.name) {
      case 'strong':
      case 'b': {
        const s = inner().trim();
        out += s ? `**${s}**` : '';
        break;
      }
      case 'em':
      case 'i': {
        const s = inner().trim();
        out += s ? `*${s}*` : '';
        break;
      }
      case 'code': {
        const s = textContent(n);
        const fence = s.includes('`') ? '``' : '`';
        out += `${fence}${fence.length > 1 ? ' ' : ''}${s}${fence.length > 1 ? ' ' : ''}${fence}`;
        break;
      }
      case 'br':
        out += '  \n';
        break;
      case 'a':
        out += n.attrs.href ? `[${inner()}](${n.attrs.href})` : inner();
        break;
      case 'img':
        out += n.attrs.src ? `![${escapeMarkdown(n.attrs.alt ?? '')}](${n.attrs.src})` : '';
        break;
      case 'sub':
      case 'sup':
        out += `<${n.name}>${inner()}</${n.name}>`;
        break;
      default:
        out += BLOCKS.has(n.name) ? ` ${blocks(n.children).replace(/\n+/g, ' ')} ` : inner();
    }
  }
  return out;
}

function list(node: XElement, ordered: boolean): string {
  const start = Number(node.attrs.start ?? '1') || 1;
  return node.children
    .filter((c): c is XElement => c.kind === 'el' && c.name === 'li')
    .map((li, i) => {
      const marker = ordered ? `${start + i}. ` : '- ';
      const body = blocks(li.children).split('\n');
      return marker + body.map((line, j) => (j === 0 || !line ? line : ' '.repeat(marker.length) + line)).join('\n');
    })
    .join('\n');
}

function table(node: XElement): string {
  const rows: XElement[] = [];
  const collect = (n: XElement) => {
    for (const c of n.children) if (c.kind === 'el') (c.name === 'tr' ? rows.push(c) : collect(c));
  };
  collect(node);
  if (!rows.length) return '';
  const cells = rows.map((r) => r.children.filter((c): c is XElement => c.kind === 'el' && (c.name === 'td' || c.name === 'th')).map((c) => inline(c.children).trim().replace(/\|/g, '\\|')));
  const width = Math.max(...cells.map((c) => c.length));
  const line = (c: string[]) => `| ${Array.from({ length: width }, (_, i) => c[i] ?? '').join(' | ')} |`;
  return [line(cells[0]!), `|${' --- |'.repeat(width)}`, ...cells.slice(1).map(line)].join('\n');
}

/** Inline markdown: a hard break keeps its two spaces, spaces around line ends go, ends trimmed. */
const tidy = (s: string) => s.replace(/[ \t]*\n[ \t]*/g, (m) => (m.startsWith('  ') ? '  \n' : '\n')).trim();

/** Flow content -> markdown blocks separated by blank lines. */
export function blocks(nodes: XNode[]): string {
  const out: string[] = [];
  let run: XNode[] = [];
  const flush = () => {
    const s = tidy(inline(run));
    if (s) out.push(s);
    run = [];
  };
  for (const n of nodes) {
    if (n.kind === 'el' && BLOCKS.has(n.name)) {
      flush();
      const s = block(n);
      if (s) out.push(s);
    } else run.push(n);
  }
  flush();
  return out.join('\n\n');
}

function block(n: XElement): string {
  switch (n.name) {
    case 'p':
      return tidy(inline(n.children));
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
      return `${'#'.repeat(Number(n.name[1]))} ${tidy(inline(n.children))}`;
    case 'hr':
      return '---';
    case 'pre': {
      const code = textContent(n).replace(/\n$/, '');
      const lang = n.children.find((c): c is XElement => c.kind === 'el' && c.name === 'code')?.attrs.class?.match(/language-([\w-]+)/)?.[1] ?? '';
      const fence = code.includes('```') ? '~~~' : '```';
      return `${fence}${lang}\n${code}\n${fence}`;
    }
    case 'blockquote':
      return blocks(n.children)
        .split('\n')
        .map((l) => (l ? `> ${l}` : '>'))
        .join('\n');
    case 'ul':
      return list(n, false);
    case 'ol':
      return list(n, true);
    case 'table':
      return table(n);
    default:
      return blocks(n.children);
  }
}

/** QTI XHTML (children of a body, prompt or feedback) -> markdown. */
export function xhtmlToMarkdown(nodes: XNode[]): string {
  return blocks(nodes).trim();
}

/** Plain text of XHTML, whitespace collapsed (for option labels). */
export function plainText(nodes: XNode[]): string {
  const parts: string[] = [];
  const walk = (ns: XNode[]) => {
    for (const n of ns) {
      if (n.kind === 'text') parts.push(n.text);
      else if (n.name === 'img') parts.push(n.attrs.alt ?? '');
      else if (n.name === 'br') parts.push(' ');
      else walk(n.children);
    }
  };
  walk(nodes);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
