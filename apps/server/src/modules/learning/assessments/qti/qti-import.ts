import { Invalid } from '../../../../kernel/errors/index.js';
import { Question } from '../questions.model.js';
import { sha256 } from './qti-export.js';
import { readItem } from './qti-import-item.js';
import { detectVersion, LYCEUM_NS, normalizeTree, type QtiVersion } from './qti-names.js';
import { descendants, localName, parseXml, textContent, type XElement } from './qti-xml.js';
import { readZip, safePath, ZIP_LIMITS, type ZipLimits } from './qti-zip.js';

/*
 * An IMS content package (QTI 3.0 or 2.1, detected per item) -> Lyceum questions and the tests
 * that group them. The zip is read within limits, every path in the manifest and in the tests
 * must stay inside the package, and XML is parsed without DTDs. A malformed package is refused
 * (`Invalid`, `PayloadTooLarge`); an item this importer cannot express is skipped with a warning.
 */

export interface ImportedItem {
  /** the item's QTI identifier */
  identifier: string;
  title: string;
  /** the item file inside the package */
  href: string;
  version: QtiVersion;
  /** the Lyceum question id, when the item is an untouched Lyceum export */
  lyceumId: string | null;
}

export interface ImportResult {
  questions: Question[];
  /** parallel to `questions` */
  items: ImportedItem[];
  /** `itemRefs` are indexes into `questions` */
  tests: { title: string; itemRefs: number[]; shuffle: boolean }[];
  warnings: string[];
}

const ITEM_TYPE = /^imsqti_item_xmlv(2p[012]|3p0)$/;
const TEST_TYPE = /^imsqti_test_xmlv(2p[012]|3p0)$/;

const decoder = new TextDecoder('utf-8', { fatal: true });
function decode(bytes: Uint8Array, file: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new Invalid(`${file} is not UTF-8 text.`, undefined, 'qti_xml_malformed');
  }
}

/** Resolves `href` against the directory of `from` (a package path); refuses anything outside the package. */
function resolve(from: string, href: string): string {
  const raw = href.split('#')[0]!.split('?')[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new Invalid(`The package refers to a malformed path: ${href}.`, undefined, 'qti_unsafe_path');
  }
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  if (decoded.startsWith('/') || decoded.startsWith('\\') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(decoded)) throw new Invalid(`The package refers to a path outside itself: ${href}.`, undefined, 'qti_unsafe_path');
  const segments: string[] = [];
  for (const seg of (dir + decoded.replace(/\\/g, '/')).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!segments.length) throw new Invalid(`The package refers to a path outside itself: ${href}.`, undefined, 'qti_unsafe_path');
      segments.pop();
    } else segments.push(seg);
  }
  const out = safePath(segments.join('/'));
  if (!out) throw new Invalid(`The package refers to a path outside itself: ${href}.`, undefined, 'qti_unsafe_path');
  return out;
}

interface Resource {
  identifier: string;
  type: string;
  /** resolved path of the resource's main file */
  href: string | null;
  lyceum: { sha256: string; questionId: string | null; json: string } | null;
}

function readManifest(manifest: XElement, manifestPath: string): Resource[] {
  if (localName(manifest.name) !== 'manifest') throw new Invalid('imsmanifest.xml is not an IMS content package manifest.', undefined, 'qti_not_a_package');
  // the prefix bound to Lyceum's namespace on the manifest (any prefix, as XML allows)
  const lyPrefix = Object.entries(manifest.attrs).find(([k, v]) => k.startsWith('xmlns:') && v === LYCEUM_NS)?.[0].slice(6);
  const isLyceum = (e: XElement) => e.name === `${lyPrefix}:question` || (localName(e.name) === 'question' && e.name.includes(':') && e.attrs[`xmlns:${e.name.split(':')[0]}`] === LYCEUM_NS);
  const resources = descendants(manifest, (e) => localName(e.name) === 'resource');
  return resources.map((r) => {
    const base = r.attrs['xml:base'] ?? '';
    const files = r.children.filter((c): c is XElement => c.kind === 'el' && localName(c.name) === 'file').map((f) => resolve(manifestPath, base + (f.attrs.href ?? '')));
    const href = r.attrs.href ? resolve(manifestPath, base + r.attrs.href) : (files[0] ?? null);
    const meta = r.children.find((c): c is XElement => c.kind === 'el' && localName(c.name) === 'metadata');
    const ly = meta ? descendants(meta, isLyceum)[0] : undefined;
    return {
      identifier: r.attrs.identifier ?? '',
      type: r.attrs.type ?? '',
      href,
      lyceum: ly && ly.attrs.sha256 ? { sha256: ly.attrs.sha256, questionId: ly.attrs['question-id'] ?? null, json: textContent(ly) } : null,
    };
  });
}

function fromLyceum(res: Resource, text: string): Question | null {
  if (!res.lyceum || res.lyceum.sha256 !== sha256(text)) return null;
  try {
    const parsed = Question.safeParse(JSON.parse(res.lyceum.json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function importPackage(zip: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ImportResult {
  if (zip.length < 22) throw new Invalid('The file is not a readable zip.', undefined, 'qti_bad_zip');
  const files = readZip(zip, limits);
  // at the root, or (when a tool zipped the folder) the one manifest one folder down
  const nested = [...files.keys()].filter((k) => /^[^/]+\/imsmanifest\.xml$/.test(k));
  const manifestPath = files.has('imsmanifest.xml') ? 'imsmanifest.xml' : nested.length === 1 ? nested[0]! : null;
  if (!manifestPath) throw new Invalid('The package has no imsmanifest.xml at its root.', undefined, 'qti_not_a_package');
  const resources = readManifest(parseXml(decode(files.get(manifestPath)!, manifestPath), manifestPath), manifestPath);

  const result: ImportResult = { questions: [], items: [], tests: [], warnings: [] };
  const indexByHref = new Map<string, number>();
  const itemResources = resources.filter((r) => ITEM_TYPE.test(r.type));
  const testResources = resources.filter((r) => TEST_TYPE.test(r.type));
  for (const r of resources) {
    if (/^imsqti_/.test(r.type) && !ITEM_TYPE.test(r.type) && !TEST_TYPE.test(r.type)) result.warnings.push(`Resource ${r.identifier} (${r.type}) is not QTI 2.x or 3.0 and was skipped.`);
  }
  if (!itemResources.length) throw new Invalid('The package holds no QTI 2.1 or 3.0 items.', undefined, 'qti_no_items');

  for (const res of itemResources) {
    if (!res.href || !files.has(res.href)) {
      result.warnings.push(`Item ${res.identifier}: its file ${res.href ?? '(none)'} is missing from the package; skipped.`);
      continue;
    }
    const text = decode(files.get(res.href)!, res.href);
    const root = parseXml(text, res.href);
    const version = detectVersion(root);
    if (!version || !/assessment-?item$/i.test(localName(root.name))) throw new Invalid(`${res.href} is not a QTI assessment item.`, undefined, 'qti_not_qti');
    const tree = normalizeTree(root, version);
    const exact = fromLyceum(res, text);
    const read = readItem(tree);
    if (res.lyceum && !exact) result.warnings.push(`Item ${read.identifier || res.identifier} was changed after Lyceum exported it; it was read from its QTI.`);
    const question = exact ?? (read.ok ? read.question : null);
    if (!question) {
      result.warnings.push(`Item ${read.identifier || res.identifier} ("${read.title}") was skipped: ${read.ok ? 'unreadable' : read.reason}.`);
      continue;
    }
    if (!exact && read.ok) for (const note of read.notes) result.warnings.push(`Item ${read.identifier}: ${note}.`);
    for (const m of JSON.stringify(question).matchAll(/!?\[[^\]]*\]\((?!https?:|mailto:)([^)\s]+)\)/g)) {
      result.warnings.push(`Item ${read.identifier || res.identifier} refers to ${m[1]}, a file in the package that is not imported; upload it and fix the link.`);
    }
    indexByHref.set(res.href, result.questions.length);
    result.questions.push(question);
    result.items.push({ identifier: read.identifier, title: read.title, href: res.href, version, lyceumId: exact ? res.lyceum!.questionId : null });
  }

  for (const res of testResources) {
    if (!res.href || !files.has(res.href)) {
      result.warnings.push(`Test ${res.identifier}: its file is missing from the package; skipped.`);
      continue;
    }
    const root = parseXml(decode(files.get(res.href)!, res.href), res.href);
    const version = detectVersion(root);
    if (!version || !/assessment-?test$/i.test(localName(root.name))) throw new Invalid(`${res.href} is not a QTI assessment test.`, undefined, 'qti_not_qti');
    const tree = normalizeTree(root, version);
    const refs: number[] = [];
    for (const ref of descendants(tree, (e) => e.name === 'qti-assessment-item-ref')) {
      const target = resolve(res.href, ref.attrs.href ?? '');
      const index = indexByHref.get(target);
      if (index === undefined) result.warnings.push(`Test "${tree.attrs.title ?? res.identifier}": item ${ref.attrs.identifier ?? target} was not imported, so it is left out.`);
      else refs.push(index);
    }
    const shuffle = descendants(tree, (e) => e.name === 'qti-ordering').some((o) => o.attrs.shuffle === 'true');
    const section = descendants(tree, (e) => e.name === 'qti-assessment-section')[0];
    result.tests.push({ title: (tree.attrs.title ?? section?.attrs.title ?? res.identifier).trim() || 'Test', itemRefs: refs, shuffle });
  }
  return result;
}
