import { z } from 'zod';
import type { XElement, XNode } from './qti-xml.js';
import { localName } from './qti-xml.js';

/*
 * What differs between QTI 3.0 and 2.1: namespaces, schema locations, resource types, template
 * URIs and the spelling of names (3.0 `qti-choice-interaction` / `max-choices`, 2.1
 * `choiceInteraction` / `maxChoices`). The exporter writes 3.0 names and spells them per version;
 * the importer normalizes 2.1 trees to 3.0 names so one reader serves both.
 */

export const QtiVersionSchema = z.enum(['3.0', '2.1']);
export type QtiVersion = z.infer<typeof QtiVersionSchema>;

export interface VersionInfo {
  qtiNs: string;
  qtiSchema: string;
  cpNs: string;
  cpSchema: string;
  itemType: string;
  testType: string;
  packageSchema: string;
  packageSchemaVersion: string;
  matchCorrect: string;
  mapResponse: string;
}

export const VERSIONS: Record<QtiVersion, VersionInfo> = {
  '3.0': {
    qtiNs: 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0',
    qtiSchema: 'https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd',
    cpNs: 'http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1',
    cpSchema: 'https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd',
    itemType: 'imsqti_item_xmlv3p0',
    testType: 'imsqti_test_xmlv3p0',
    packageSchema: 'QTI Package',
    packageSchemaVersion: '3.0.0',
    matchCorrect: 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml',
    mapResponse: 'https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml',
  },
  '2.1': {
    qtiNs: 'http://www.imsglobal.org/xsd/imsqti_v2p1',
    qtiSchema: 'http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd',
    cpNs: 'http://www.imsglobal.org/xsd/imscp_v1p1',
    cpSchema: 'http://www.imsglobal.org/xsd/imscp_v1p1.xsd',
    itemType: 'imsqti_item_xmlv2p1',
    testType: 'imsqti_test_xmlv2p1',
    packageSchema: 'QTIv2.1 Package',
    packageSchemaVersion: '1.0.0',
    matchCorrect: 'http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct',
    mapResponse: 'http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response',
  },
};

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
/** Lyceum's own extension namespace, for the per-item metadata in the manifest. */
export const LYCEUM_NS = 'https://lyceum.dev/xsd/qti-extension/v1';

/** XHTML element names: the same in both versions, never prefixed with `qti-`. */
export const XHTML = new Set([
  'a', 'abbr', 'acronym', 'address', 'b', 'big', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup',
  'dd', 'dfn', 'div', 'dl', 'dt', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'kbd', 'li', 'object',
  'ol', 'p', 'param', 'pre', 'q', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot',
  'th', 'thead', 'tr', 'tt', 'ul', 'var', 'figure', 'figcaption', 'section', 'article', 'aside', 'header', 'footer',
  'nav', 'label', 'ruby', 'rt', 'rp', 'bdi', 'bdo', 'wbr', 'audio', 'video', 'source', 'track', 'picture', 'math',
]);

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (camelName: string) => camelName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A 3.0 element name spelled for the version (`qti-map-entry` -> 2.1 `mapEntry`). */
export function elName(version: QtiVersion, name: string): string {
  if (version === '3.0' || !name.startsWith('qti-')) return name;
  return camel(name.slice(4));
}

/** A 3.0 attribute name spelled for the version (`response-identifier` -> 2.1 `responseIdentifier`). */
export function attrName(version: QtiVersion, name: string): string {
  return version === '3.0' || name.includes(':') ? name : camel(name);
}

/** Spells a record of 3.0 attribute names for the version. */
export function attrs(version: QtiVersion, a: Record<string, string | number | boolean | undefined>): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [attrName(version, k), v]));
}

/**
 * Rewrites a parsed item or test to 3.0 names (prefixes dropped, 2.1 camelCase turned to `qti-`
 * kebab-case), so the reader handles one vocabulary.
 */
export function normalizeTree(node: XElement, version: QtiVersion): XElement {
  const norm = (n: XNode): XNode => {
    if (n.kind === 'text') return n;
    const local = localName(n.name);
    const isXhtml = XHTML.has(local);
    const name = version === '2.1' && !isXhtml ? `qti-${kebab(local)}` : local;
    const a: Record<string, string> = {};
    for (const [k, v] of Object.entries(n.attrs)) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      const lk = k.startsWith('xml:') ? k : localName(k);
      a[version === '2.1' && !k.startsWith('xml:') && !lk.startsWith('data-') ? kebab(lk) : lk] = v;
    }
    return { kind: 'el', name, attrs: a, children: n.children.map(norm) };
  };
  return norm(node) as XElement;
}

/** The QTI version of a parsed item or test root, from its element name and namespace. */
export function detectVersion(root: XElement): QtiVersion | null {
  const local = localName(root.name);
  if (local === 'qti-assessment-item' || local === 'qti-assessment-test') return '3.0';
  if (local === 'assessmentItem' || local === 'assessmentTest') {
    const prefix = root.name.includes(':') ? `xmlns:${root.name.split(':')[0]}` : 'xmlns';
    const ns = root.attrs[prefix] ?? '';
    // 2.0 and 2.2 share the 2.1 vocabulary for everything this importer reads.
    return /imsqti_v2p[012]/.test(ns) || ns === '' ? '2.1' : null;
  }
  return null;
}
