import { createHash } from 'node:crypto';
import { Invalid } from '../../../../kernel/errors/index.js';
import { Question } from '../questions.model.js';
import { buildItem, titleFromPrompt } from './qti-export-item.js';
import { attrs, elName, LYCEUM_NS, type QtiVersion, VERSIONS, XSI_NS } from './qti-names.js';
import { el, xmlDocument } from './qti-xml.js';
import { writeZip } from './qti-zip.js';

/*
 * A bank (or quiz) -> an IMS content package: `imsmanifest.xml`, one item file per question under
 * `items/`, and `assessment-test.xml` when exported as a test. Each item's manifest resource carries
 * Lyceum metadata: the question as JSON plus the SHA-256 of the item file it was written with. On
 * import, an untouched item is restored exactly from that JSON; an item another tool has edited
 * is read from its QTI instead.
 */

export type QtiQuestion = Question & { id: string; title?: string };

export interface ExportInput {
  title: string;
  questions: QtiQuestion[];
  version: QtiVersion;
  asTest?: { title: string; shuffle?: boolean };
}

const LOM_NS = 'http://ltsc.ieee.org/xsd/LOM';
const LOM_SCHEMA: Record<QtiVersion, string> = {
  '3.0': 'https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd',
  '2.1': 'http://www.imsglobal.org/xsd/imsmd_loose_v1p3.xsd',
};
export const TEST_FILE = 'assessment-test.xml';

/** QTI identifiers are XML names; question ids (UUIDs) may start with a digit. */
export function itemIdentifier(id: string): string {
  return `item-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The package's files by path (the zip's content), for callers and tests that want to look inside. */
export function exportFiles(input: ExportInput): Map<string, string> {
  const v = input.version;
  const info = VERSIONS[v];
  if (!input.questions.length) throw new Invalid('There are no questions to export.', undefined, 'qti_nothing_to_export');
  const files = new Map<string, string>();
  const resources: ReturnType<typeof el>[] = [];
  const seen = new Set<string>();
  const items: { identifier: string; href: string }[] = [];

  for (const [i, raw] of input.questions.entries()) {
    const { id, title, ...rest } = raw;
    const parsed = Question.safeParse(rest);
    if (!parsed.success) throw new Invalid(`Question ${i + 1} (${id}) is not a valid question.`, parsed.error.issues.map((e) => ({ field: `questions.${i}.${e.path.join('.')}`, message: e.message })), 'qti_bad_question');
    const identifier = itemIdentifier(id);
    if (seen.has(identifier)) throw new Invalid(`Question id ${id} appears twice.`, undefined, 'qti_duplicate_question');
    seen.add(identifier);
    const href = `items/${identifier}.xml`;
    const xml = buildItem(parsed.data, { version: v, identifier, title: title ?? titleFromPrompt(parsed.data.prompt) });
    files.set(href, xml);
    items.push({ identifier, href });
    const lyceum = el('lyceum:question', { sha256: sha256(xml), 'question-id': id }, JSON.stringify(parsed.data));
    resources.push(el('resource', { identifier: `RES-${identifier}`, type: info.itemType, href }, el('metadata', {}, lyceum), el('file', { href })));
  }

  if (input.asTest) {
    const E = (name: string, a: Record<string, string | number | boolean | undefined>, ...children: Parameters<typeof el>[2][]) => el(elName(v, name), attrs(v, a), ...children);
    const test = el(
      elName(v, 'qti-assessment-test'),
      { xmlns: info.qtiNs, 'xmlns:xsi': XSI_NS, 'xsi:schemaLocation': `${info.qtiNs} ${info.qtiSchema}`, identifier: 'test-1', title: input.asTest.title },
      E('qti-outcome-declaration', { identifier: 'SCORE', cardinality: 'single', 'base-type': 'float' }, E('qti-default-value', {}, E('qti-value', {}, '0'))),
      E(
        'qti-test-part',
        { identifier: 'part-1', 'navigation-mode': 'nonlinear', 'submission-mode': 'simultaneous' },
        E(
          'qti-assessment-section',
          { identifier: 'section-1', title: input.asTest.title, visible: 'true' },
          input.asTest.shuffle && E('qti-ordering', { shuffle: 'true' }),
          items.map((it) => E('qti-assessment-item-ref', { identifier: it.identifier, href: it.href })),
        ),
      ),
      E('qti-outcome-processing', {}, E('qti-set-outcome-value', { identifier: 'SCORE' }, E('qti-sum', {}, E('qti-test-variables', { 'variable-identifier': 'SCORE' })))),
    );
    files.set(TEST_FILE, xmlDocument(test));
    resources.push(
      el('resource', { identifier: 'RES-test-1', type: info.testType, href: TEST_FILE }, el('file', { href: TEST_FILE }), items.map((it) => el('dependency', { identifierref: `RES-${it.identifier}` }))),
    );
  }

  const manifest = el(
    'manifest',
    {
      xmlns: info.cpNs,
      'xmlns:xsi': XSI_NS,
      'xmlns:imsmd': LOM_NS,
      'xmlns:lyceum': LYCEUM_NS,
      'xsi:schemaLocation': `${info.cpNs} ${info.cpSchema} ${LOM_NS} ${LOM_SCHEMA[v]}`,
      identifier: `MANIFEST-${sha256(input.title + [...seen].join(',')).slice(0, 16)}`,
    },
    el(
      'metadata',
      {},
      el('schema', {}, info.packageSchema),
      el('schemaversion', {}, info.packageSchemaVersion),
      el('imsmd:lom', {}, el('imsmd:general', {}, el('imsmd:title', {}, el('imsmd:string', {}, input.title)))),
    ),
    el('organizations', {}),
    el('resources', {}, resources),
  );
  files.set('imsmanifest.xml', xmlDocument(manifest));
  return files;
}

/** The package as a zip (fflate). */
export function exportPackage(input: ExportInput): Uint8Array {
  return writeZip(exportFiles(input));
}
