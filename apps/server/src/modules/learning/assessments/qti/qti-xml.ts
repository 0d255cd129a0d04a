import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Invalid } from '../../../../kernel/errors/index.js';

/*
 * A small XML toolkit for QTI: a string builder that always escapes, and a parser (fast-xml-parser,
 * order preserved for mixed content) that refuses DTDs so no entity can expand, and hands back a
 * plain element tree.
 */

export type XNode = XElement | XText;
export interface XElement {
  kind: 'el';
  /** the tag as written, prefix included */
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
}
export interface XText {
  kind: 'text';
  text: string;
  /** markdown written by the importer itself (a `{{blank}}`), not to be escaped */
  raw?: boolean;
}

// ---- building ---------------------------------------------------------------------------------

/** Characters XML 1.0 cannot hold at all (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function xmlSafe(s: string): string {
  return s.replace(NOT_XML, '');
}

export function escapeText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** Already-serialized XML (trusted: produced by this module), so `el` does not escape it again. */
export class Raw {
  constructor(readonly xml: string) {}
}
export type Child = Raw | string | null | undefined | false | Child[];

function serializeChildren(children: Child[]): string {
  let out = '';
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) out += serializeChildren(c);
    else if (c instanceof Raw) out += c.xml;
    else out += escapeText(c);
  }
  return out;
}

/** One element; attributes with undefined values are left out. */
export function el(name: string, attrs: Record<string, string | number | boolean | undefined>, ...children: Child[]): Raw {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
  const inner = serializeChildren(children);
  return new Raw(inner ? `<${name}${a}>${inner}</${name}>` : `<${name}${a}/>`);
}

export function xmlDocument(root: Raw): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root.xml}\n`;
}

// ---- parsing ----------------------------------------------------------------------------------

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // entities are decoded below, in one pass: the five XML ones and character references, nothing else
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

type Ordered = Record<string, unknown>;

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Decodes the predefined XML entities and character references; anything else stays as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (m, ref: string) => {
    if (ref[0] !== '#') return XML_ENTITIES[ref]!;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : m;
  });
}

function convert(items: Ordered[]): XNode[] {
  const out: XNode[] = [];
  for (const item of items) {
    if ('#text' in item) {
      out.push({ kind: 'text', text: decodeEntities(String(item['#text'])) });
      continue;
    }
    const name = Object.keys(item).find((k) => k !== ':@');
    if (!name) continue;
    const rawAttrs = (item[':@'] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawAttrs)) attrs[k] = decodeEntities(String(v));
    out.push({ kind: 'el', name, attrs, children: convert((item[name] ?? []) as Ordered[]) });
  }
  return out;
}

/**
 * Parses one XML file into its root element. Refuses anything with a DOCTYPE or entity declaration
 * (no DTDs, so nothing can expand), and anything that is not well-formed, with `Invalid`.
 */
export function parseXml(text: string, file: string): XElement {
  const body = text.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new Invalid(`${file}: DTDs and entity declarations are not accepted.`, undefined, 'qti_xml_dtd');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new Invalid(`${file} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`, undefined, 'qti_xml_malformed');
  let nodes: XNode[];
  try {
    nodes = convert(parser.parse(body) as Ordered[]);
  } catch (e) {
    throw new Invalid(`${file} could not be read as XML (${(e as Error).message}).`, undefined, 'qti_xml_malformed');
  }
  const roots = nodes.filter((n): n is XElement => n.kind === 'el');
  if (roots.length !== 1) throw new Invalid(`${file} must have exactly one root element.`, undefined, 'qti_xml_malformed');
  return roots[0]!;
}

/** Whether a text is well-formed XML (used by tests and as a guard on what export writes). */
export function isWellFormed(text: string): boolean {
  return XMLValidator.validate(text) === true;
}

// ---- reading helpers --------------------------------------------------------------------------

export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

export function elements(node: XElement): XElement[] {
  return node.children.filter((c): c is XElement => c.kind === 'el');
}

export function child(node: XElement, name: string): XElement | undefined {
  return elements(node).find((c) => c.name === name);
}

export function childrenNamed(node: XElement, name: string): XElement[] {
  return elements(node).filter((c) => c.name === name);
}

/** Every descendant element (depth first, document order) matching the predicate. */
export function descendants(node: XElement, match: (e: XElement) => boolean): XElement[] {
  const out: XElement[] = [];
  const walk = (n: XElement) => {
    for (const c of elements(n)) {
      if (match(c)) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** All the text inside an element, as written. */
export function textContent(node: XNode): string {
  if (node.kind === 'text') return node.text;
  return node.children.map(textContent).join('');
}
