import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Question, QUESTION_TYPES } from '../questions.model.js';
import { exportFiles, exportPackage, itemIdentifier } from './qti-export.js';
import { importPackage } from './qti-import.js';
import { VERSIONS, type QtiVersion } from './qti-names.js';
import { isWellFormed, parseXml } from './qti-xml.js';
import { SAMPLES, withoutIds } from './qti.samples.js';

const VERSIONS_UNDER_TEST: QtiVersion[] = ['3.0', '2.1'];
const dec = new TextDecoder();
const enc = new TextEncoder();

/** The same package with the Lyceum metadata taken out of the manifest: what another tool would keep. */
function stripLyceum(zip: Uint8Array): Uint8Array {
  const files = unzipSync(zip);
  const manifest = dec.decode(files['imsmanifest.xml']!).replace(/<metadata><lyceum:question[^]*?<\/lyceum:question><\/metadata>/g, '');
  expect(manifest).not.toContain('lyceum:question');
  return zipSync({ ...files, 'imsmanifest.xml': enc.encode(manifest) });
}

describe.each(VERSIONS_UNDER_TEST)('QTI %s round trip', (version) => {
  it('exports one question of every type and re-imports them unchanged, with the test', () => {
    const types = new Set(SAMPLES.map((q) => q.type));
    expect([...types].sort()).toEqual([...QUESTION_TYPES].sort()); // every type in the model
    const zip = exportPackage({ title: 'Every type', questions: SAMPLES, version, asTest: { title: 'Final exam', shuffle: true } });
    const out = importPackage(zip);
    expect(out.warnings).toEqual([]);
    expect(out.questions).toEqual(withoutIds(SAMPLES));
    expect(out.items.map((i) => i.lyceumId)).toEqual(SAMPLES.map((q) => q.id));
    expect(out.items.every((i) => i.version === version)).toBe(true);
    expect(out.tests).toEqual([{ title: 'Final exam', itemRefs: SAMPLES.map((_, i) => i), shuffle: true }]);
  });

  it('reads the QTI itself when the Lyceum metadata is gone (what QTI carries survives; the rest takes defaults)', () => {
    const zip = stripLyceum(exportPackage({ title: 'Every type', questions: SAMPLES, version }));
    const out = importPackage(zip);
    expect(out.warnings).toEqual([]);
    expect(out.items.every((i) => i.lyceumId === null)).toBe(true);
    const expected = withoutIds(SAMPLES).map((q) => {
      switch (q.type) {
        case 'essay': // word limits have no QTI attribute
          return Question.parse({ ...q, minWords: undefined, maxWords: undefined });
        case 'file_response': // QTI names one upload type; size limits have no attribute
          return Question.parse({ ...q, allowedTypes: [], maxBytes: undefined });
        case 'code': // another tool sees an essay
          return Question.parse({ type: 'essay', prompt: q.prompt, points: q.points, feedback: q.feedback });
        default:
          return q;
      }
    });
    expect(out.questions).toEqual(expected);
  });

  it('writes a manifest that lists every file, with the right namespaces and resource types', () => {
    const files = exportFiles({ title: 'Bank', questions: SAMPLES, version, asTest: { title: 'T' } });
    const info = VERSIONS[version];
    const manifestXml = files.get('imsmanifest.xml')!;
    const manifest = parseXml(manifestXml, 'imsmanifest.xml');
    expect(manifest.name).toBe('manifest');
    expect(manifest.attrs.xmlns).toBe(info.cpNs);
    expect(manifest.attrs['xsi:schemaLocation']).toContain(`${info.cpNs} ${info.cpSchema}`);
    const listed = [...manifestXml.matchAll(/<file href="([^"]+)"\/>/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set([...files.keys()].filter((f) => f !== 'imsmanifest.xml')));
    expect([...manifestXml.matchAll(new RegExp(`type="${info.itemType}"`, 'g'))]).toHaveLength(SAMPLES.length);
    expect(manifestXml).toContain(`type="${info.testType}"`);
    for (const q of SAMPLES) expect(manifestXml).toContain(`<dependency identifierref="RES-${itemIdentifier(q.id)}"/>`);
    // the zip holds exactly these files
    expect(Object.keys(unzipSync(exportPackage({ title: 'Bank', questions: SAMPLES, version, asTest: { title: 'T' } }))).sort()).toEqual([...files.keys()].sort());
  });

  it('writes well-formed items in the version namespace, with its element names', () => {
    const files = exportFiles({ title: 'Bank', questions: SAMPLES, version, asTest: { title: 'T' } });
    const info = VERSIONS[version];
    for (const [path, xml] of files) {
      expect(isWellFormed(xml), path).toBe(true);
      if (path === 'imsmanifest.xml') continue;
      const root = parseXml(xml, path);
      expect(root.attrs.xmlns, path).toBe(info.qtiNs);
      expect(root.attrs['xsi:schemaLocation']).toBe(`${info.qtiNs} ${info.qtiSchema}`);
      expect(root.name).toBe(path.startsWith('items/') ? (version === '3.0' ? 'qti-assessment-item' : 'assessmentItem') : version === '3.0' ? 'qti-assessment-test' : 'assessmentTest');
      if (version === '2.1') expect(xml, path).not.toMatch(/<qti-|response-identifier|base-type/);
      else expect(xml, path).not.toMatch(/<(assessmentItem|choiceInteraction|responseDeclaration)\b|responseIdentifier|baseType/);
    }
  });
});

describe('QTI scoring as written', () => {
  const files = (version: QtiVersion) => exportFiles({ title: 'Bank', questions: SAMPLES, version });
  const item = (version: QtiVersion, n: number) => files(version).get(`items/${itemIdentifier(SAMPLES[n]!.id)}.xml`)!;

  it('3.0: interactions, partial credit as qti-map-response, tolerance on qti-equal, templates where they fit', () => {
    expect(item('3.0', 0)).toContain('<qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">');
    expect(item('3.0', 0)).toContain('<qti-simple-choice identifier="b">Lyon &amp; Nice</qti-simple-choice>');
    expect(item('3.0', 0)).toContain('<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="correct" show-hide="show"><qti-content-body><p>Yes, <em>Paris</em>.</p></qti-content-body></qti-modal-feedback>');
    // multiple choice, 3 points, 3 right answers: +1 each right, -1 each wrong, between 0 and 3
    expect(item('3.0', 1)).toContain('<qti-mapping default-value="0" lower-bound="0" upper-bound="3"><qti-map-entry map-key="two" mapped-value="1" case-sensitive="true"/>');
    expect(item('3.0', 1)).toContain('<qti-map-entry map-key="four" mapped-value="-1" case-sensitive="true"/>');
    expect(item('3.0', 1)).toContain(`<qti-response-processing template="${VERSIONS['3.0'].mapResponse}"/>`);
    expect(item('3.0', 3)).toContain('<qti-string-match case-sensitive="false"><qti-variable identifier="RESPONSE"/><qti-base-value base-type="string">JavaScript</qti-base-value></qti-string-match>');
    expect(item('3.0', 3)).toContain('<qti-pattern-match pattern="[Jj]ava[Ss]cript">');
    expect(item('3.0', 4)).toContain('<qti-equal tolerance-mode="absolute" tolerance="0.005">');
    expect(item('3.0', 5)).toContain('<qti-equal tolerance-mode="relative" tolerance="1">');
    expect(item('3.0', 6)).toContain('The <strong>quick</strong> <qti-text-entry-interaction response-identifier="BLANK-color"');
    expect(item('3.0', 7)).toContain('<qti-value>fr paris</qti-value>');
    expect(item('3.0', 8)).toContain('<qti-index n="2"><qti-variable identifier="RESPONSE"/></qti-index>');
    expect(item('3.0', 9)).toContain(`<qti-response-processing template="${VERSIONS['3.0'].matchCorrect}"/>`);
    expect(item('3.0', 10)).toContain('<qti-rubric-block view="scorer" use="scoring"><qti-content-body><p>Look for <strong>evidence</strong>.</p></qti-content-body></qti-rubric-block>');
    expect(item('3.0', 10)).toContain('<h2>Essay</h2>');
    expect(item('3.0', 11)).toContain('<qti-upload-interaction response-identifier="RESPONSE"/>');
    expect(item('3.0', 12)).toContain('<qti-extended-text-interaction response-identifier="RESPONSE" format="preformatted" class="lyceum-code language-python"/>');
    expect(item('3.0', 12)).toContain('<qti-default-value><qti-value>a, b = map(int, input().split())\n</qti-value></qti-default-value>');
  });

  it('2.1: the same in the imsqti_v2p1 vocabulary', () => {
    expect(item('2.1', 0)).toContain('<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">');
    expect(item('2.1', 0)).toContain('<modalFeedback outcomeIdentifier="FEEDBACK" identifier="correct" showHide="show"><p>Yes, <em>Paris</em>.</p></modalFeedback>');
    expect(item('2.1', 1)).toContain('<mapEntry mapKey="four" mappedValue="-1" caseSensitive="true"/>');
    expect(item('2.1', 1)).toContain(`<responseProcessing template="${VERSIONS['2.1'].mapResponse}"/>`);
    expect(item('2.1', 4)).toContain('<equal toleranceMode="absolute" tolerance="0.005">');
    expect(item('2.1', 6)).toContain('<textEntryInteraction responseIdentifier="BLANK-color"');
    expect(item('2.1', 7)).toContain('<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">');
    expect(item('2.1', 7)).toContain('<simpleAssociableChoice identifier="paris" matchMax="2">Paris</simpleAssociableChoice>');
    expect(item('2.1', 8)).toContain('<orderInteraction responseIdentifier="RESPONSE" shuffle="true">');
    expect(item('2.1', 10)).toContain('<rubricBlock view="scorer"><p>Look for <strong>evidence</strong>.</p></rubricBlock>');
    expect(item('2.1', 11)).toContain('<uploadInteraction responseIdentifier="RESPONSE"/>');
  });
});

describe('QTI import of an edited Lyceum export', () => {
  it('reads an item changed by another tool from its QTI and says so', () => {
    const zip = exportPackage({ title: 'One', questions: [SAMPLES[0]!], version: '3.0' });
    const files = unzipSync(zip);
    const path = `items/${itemIdentifier(SAMPLES[0]!.id)}.xml`;
    files[path] = enc.encode(dec.decode(files[path]!).replace('<qti-value>a</qti-value>', '<qti-value>b</qti-value>'));
    const out = importPackage(zipSync(files));
    expect(out.questions).toHaveLength(1);
    expect(out.questions[0]).toMatchObject({ type: 'single_choice', correctOptionId: 'b' });
    expect(out.items[0]!.lyceumId).toBeNull();
    expect(out.warnings).toEqual([expect.stringContaining('was changed after Lyceum exported it')]);
  });
});
