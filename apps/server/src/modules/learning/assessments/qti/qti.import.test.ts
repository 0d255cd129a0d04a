import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Invalid, PayloadTooLarge } from '../../../../kernel/errors/index.js';
import { Question } from '../questions.model.js';
import { exportPackage } from './qti-export.js';
import { importPackage } from './qti-import.js';
import { QtiService } from './qti.service.js';
import { SAMPLES, withoutIds } from './qti.samples.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

function zipDir(dir: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[path.relative(dir, p).split(path.sep).join('/')] = readFileSync(p);
    }
  };
  walk(dir);
  return zipSync(files);
}

const manifest = (resources: string) =>
  `<?xml version="1.0"?><manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M"><organizations/><resources>${resources}</resources></manifest>`;
const item21 = (body = '<p>Hi</p><extendedTextInteraction responseIdentifier="RESPONSE"/>') =>
  `<?xml version="1.0"?><assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="X" adaptive="false" timeDependent="false"><responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/><itemBody>${body}</itemBody></assessmentItem>`;
const pkg = (files: Record<string, string>) => zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
const oneItem = (href: string, files: Record<string, string> = {}) =>
  pkg({ 'imsmanifest.xml': manifest(`<resource identifier="r" type="imsqti_item_xmlv2p1" href="${href}"><file href="${href}"/></resource>`), ...files });

function refusal(fn: () => unknown): { error: unknown; code: string } {
  try {
    fn();
  } catch (error) {
    return { error, code: (error as { code?: string }).code ?? 'none' };
  }
  throw new Error('expected a refusal');
}

describe('importing QTI 2.1 written by other tools', () => {
  const out = importPackage(zipDir(path.join(FIXTURES, 'qti21')));
  const byTitle = (t: string) => out.questions[out.items.findIndex((i) => i.title === t)];

  it('maps choice, multiple choice, text entry, numeric, essay, match and order items', () => {
    expect(out.items.map((i) => i.title)).toEqual(['Eiffel Tower', 'Noble gases', 'Capital of Spain', 'Answer', 'Essay', 'Characters and plays', 'Grand Prix of Bahrain']);
    expect(out.items.every((i) => i.version === '2.1' && i.lyceumId === null)).toBe(true);
    for (const q of out.questions) expect(Question.safeParse(q).success).toBe(true);
    expect(byTitle('Eiffel Tower')).toEqual({
      type: 'single_choice',
      prompt: '![The Eiffel Tower](images/eiffel.png)\n\nIn which city is the **Eiffel Tower**?',
      points: 1,
      feedback: {},
      options: [
        { id: 'choice_1', text: 'London' },
        { id: 'choice_2', text: 'Paris' },
        { id: 'choice_3', text: 'Rome' },
      ],
      correctOptionId: 'choice_2',
      shuffleOptions: false,
    });
    expect(byTitle('Noble gases')).toMatchObject({ type: 'multiple_choice', prompt: 'Which of these are noble gases?', points: 2, correctOptionIds: ['He', 'Ne'], partialCredit: true, shuffleOptions: true });
    expect(byTitle('Capital of Spain')).toEqual({
      type: 'short_answer',
      prompt: 'The capital of Spain is \\_\\_\\_\\_.',
      points: 2,
      feedback: {},
      answers: [
        { value: 'Madrid', caseSensitive: false, regex: false },
        { value: 'Madrid, Spain', caseSensitive: false, regex: false },
      ],
    });
    expect(byTitle('Answer')).toEqual({ type: 'numeric', prompt: 'What is 6 × 7?', points: 1, feedback: {}, answer: 42, tolerance: 0, toleranceMode: 'absolute' });
    expect(byTitle('Essay')).toEqual({ type: 'essay', prompt: 'Why do *leaves* change colour in autumn?', points: 1, feedback: {}, graderGuidance: 'Award full marks for two reasons.' });
    expect(byTitle('Characters and plays')).toEqual({
      type: 'matching',
      prompt: 'Match the following characters to the Shakespeare play they appeared in:',
      points: 3,
      feedback: {},
      prompts: [
        { id: 'C', text: 'Capulet' },
        { id: 'D', text: 'Demetrius' },
        { id: 'L', text: 'Lysander' },
        { id: 'P', text: 'Prospero' },
      ],
      choices: [
        { id: 'M', text: "A Midsummer-Night's Dream" },
        { id: 'R', text: 'Romeo and Juliet' },
        { id: 'T', text: 'The Tempest' },
      ],
      pairs: { C: 'R', D: 'M', L: 'M', P: 'T' },
      partialCredit: true,
    });
    expect(byTitle('Grand Prix of Bahrain')).toMatchObject({ type: 'ordering', correctOrder: ['DriverC', 'DriverA', 'DriverB'], partialCredit: false, items: [{ id: 'DriverA', text: 'Rubens Barrichello' }, { id: 'DriverB', text: 'Jenson Button' }, { id: 'DriverC', text: 'Michael Schumacher' }] });
  });

  it('reads the test through nested sections, leaving out what was not imported, and warns instead of failing', () => {
    const choice = out.items.findIndex((i) => i.title === 'Eiffel Tower');
    const match = out.items.findIndex((i) => i.title === 'Characters and plays');
    expect(out.tests).toEqual([{ title: 'Culture quiz', itemRefs: [choice, match], shuffle: false }]);
    expect(out.warnings).toEqual([
      expect.stringMatching(/^Item choice refers to images\/eiffel\.png/),
      expect.stringMatching(/^Item hotspot \("UK airports"\) was skipped: qti-hotspot-interaction is not supported/),
      expect.stringMatching(/^Test "Culture quiz": item hotspot was not imported/),
    ]);
  });
});

describe('importing QTI 3.0 written by other tools', () => {
  const out = importPackage(zipDir(path.join(FIXTURES, 'qti30')));
  const byTitle = (t: string) => out.questions[out.items.findIndex((i) => i.title === t)];

  it('maps choice (with its qti-prompt and feedback), several text entries, upload, essay with rubrics, true/false', () => {
    expect(out.items.map((i) => i.title)).toEqual(['Unattended luggage', 'Richard III', 'Your CV', 'Writing', 'Water']);
    expect(out.items.every((i) => i.version === '3.0')).toBe(true);
    expect(byTitle('Unattended luggage')).toMatchObject({
      type: 'single_choice',
      prompt: 'Look at the text in the picture.\n\nWhat does it say?',
      correctOptionId: 'ChoiceA',
      shuffleOptions: true,
      feedback: { correct: 'Right.' },
    });
    expect(byTitle('Richard III')).toEqual({
      type: 'fill_blanks',
      prompt: "Identify the missing words in this famous quote from Shakespeare's Richard III.",
      points: 2,
      feedback: {},
      text: '> Now is the winter of our discontent  \n> Made glorious summer by this {{RESPONSE_2}} of {{RESPONSE_1}};',
      blanks: [
        { id: 'RESPONSE_2', answers: ['sun'], caseSensitive: true },
        { id: 'RESPONSE_1', answers: ['York', 'york'], caseSensitive: true },
      ],
    });
    expect(byTitle('Your CV')).toEqual({ type: 'file_response', prompt: 'Upload your CV as a PDF.', points: 4, feedback: {}, graderGuidance: '', allowedTypes: ['application/pdf'], maxBytes: 10 * 1024 * 1024 });
    expect(byTitle('Writing')).toEqual({
      type: 'essay',
      prompt: 'Take your time.\n\n## Writing task\n\nWrite about a [place](https://example.org/place) you love.',
      points: 1,
      feedback: {},
      graderGuidance: 'Look for a clear **thesis**.\n\n- structure\n- evidence',
    });
    expect(byTitle('Water')).toEqual({ type: 'true_false', prompt: 'Water boils at 50 °C at sea level.', points: 1, feedback: {}, correct: false });
  });

  it('warns about the unsupported gap match, the QTI 1.2 resource and feedback it cannot place', () => {
    expect(out.warnings).toEqual([
      expect.stringMatching(/^Resource r-qti12 \(imsqti_xmlv1p2\) is not QTI 2.x or 3.0/),
      expect.stringMatching(/^Item q1-choice: its feedback "HINT"/),
      expect.stringMatching(/^Item q6-gap \("Gaps"\) was skipped: qti-gap-match-interaction is not supported/),
    ]);
  });
});

describe('refusing bad packages', () => {
  it('a file that is not a zip', () => {
    for (const bytes of [new Uint8Array(0), strToU8('just some text, not a zip at all, long enough to look')]) {
      const r = refusal(() => importPackage(bytes));
      expect(r.error).toBeInstanceOf(Invalid);
      expect(r.code).toBe('qti_bad_zip');
    }
  });

  it('a zip with no manifest, or a manifest that is not IMS CP', () => {
    expect(refusal(() => importPackage(pkg({ 'item.xml': item21() }))).code).toBe('qti_not_a_package');
    expect(refusal(() => importPackage(pkg({ 'imsmanifest.xml': '<html><body/></html>' }))).code).toBe('qti_not_a_package');
    expect(refusal(() => importPackage(pkg({ 'imsmanifest.xml': manifest('<resource identifier="w" type="webcontent" href="a.html"/>'), 'a.html': '<p/>' }))).code).toBe('qti_no_items');
  });

  it('paths in the manifest or the tests that leave the package', () => {
    for (const href of ['../evil.xml', 'items/../../evil.xml', '/etc/passwd', 'file:///etc/passwd', 'items\\..\\..\\evil.xml', '%2e%2e/evil.xml']) {
      const r = refusal(() => importPackage(oneItem(href, { 'item.xml': item21() })));
      expect(r.error, href).toBeInstanceOf(Invalid);
      expect(r.code, href).toBe('qti_unsafe_path');
    }
    const test = `<?xml version="1.0"?><assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="t" title="T"><testPart identifier="p" navigationMode="linear" submissionMode="individual"><assessmentSection identifier="s" title="S" visible="true"><assessmentItemRef identifier="x" href="../../x.xml"/></assessmentSection></testPart></assessmentTest>`;
    const zip = pkg({
      'imsmanifest.xml': manifest('<resource identifier="r" type="imsqti_item_xmlv2p1" href="item.xml"><file href="item.xml"/></resource><resource identifier="t" type="imsqti_test_xmlv2p1" href="tests/t.xml"><file href="tests/t.xml"/></resource>'),
      'item.xml': item21(),
      'tests/t.xml': test,
    });
    expect(refusal(() => importPackage(zip)).code).toBe('qti_unsafe_path');
  });

  it('zip entries named outside the package', () => {
    const zip = pkg({ 'imsmanifest.xml': manifest('<resource identifier="r" type="imsqti_item_xmlv2p1" href="item.xml"/>'), 'item.xml': item21(), '../evil.sh': 'rm -rf /' });
    expect(Object.keys(unzipSync(zip))).toContain('../evil.sh');
    expect(refusal(() => importPackage(zip)).code).toBe('qti_unsafe_path');
  });

  it('too many entries', () => {
    const files: Record<string, Uint8Array> = { 'imsmanifest.xml': strToU8(manifest('')) };
    for (let i = 0; i < 2001; i++) files[`f/${i}.txt`] = strToU8('x');
    const r = refusal(() => importPackage(zipSync(files, { level: 0 })));
    expect(r.error).toBeInstanceOf(PayloadTooLarge);
    expect(r.code).toBe('qti_package_too_large');
  });

  it('an entry, or the whole package, too large once inflated (a zip bomb)', () => {
    const bomb = zipSync({ 'imsmanifest.xml': strToU8(manifest('')), 'big.bin': new Uint8Array(17 * 1024 * 1024) }, { level: 1 });
    expect(bomb.length).toBeLessThan(100_000);
    expect(refusal(() => importPackage(bomb)).error).toBeInstanceOf(PayloadTooLarge);
    const several = zipSync({ 'imsmanifest.xml': strToU8(manifest('')), 'a.bin': new Uint8Array(600), 'b.bin': new Uint8Array(600) });
    expect(refusal(() => importPackage(several, { maxEntries: 10, maxTotalBytes: 1000, maxEntryBytes: 1000 })).error).toBeInstanceOf(PayloadTooLarge);
  });

  it('a header that under-declares an entry cannot make it inflate past the declared size', () => {
    const real = `${manifest('')}${' '.repeat(1024 * 1024)}`;
    const zip = zipSync({ 'imsmanifest.xml': strToU8(real) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let o = 0; o < zip.length - 4; o++) {
      const sig = view.getUint32(o, true);
      if (sig === 0x02014b50) view.setUint32(o + 24, 40, true); // central directory: uncompressed size
      if (sig === 0x04034b50) view.setUint32(o + 22, 40, true); // local header
    }
    // only 40 bytes come out: the manifest is cut short and refused as XML, nothing larger is allocated
    expect(refusal(() => importPackage(zip)).code).toBe('qti_xml_malformed');
  });

  it('XML that is malformed, declares entities, or is not QTI', () => {
    expect(refusal(() => importPackage(oneItem('item.xml', { 'item.xml': '<assessmentItem><itemBody></assessmentItem>' }))).code).toBe('qti_xml_malformed');
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>';
    expect(refusal(() => importPackage(pkg({ 'imsmanifest.xml': laughs }))).code).toBe('qti_xml_dtd');
    expect(refusal(() => importPackage(oneItem('item.xml', { 'item.xml': '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>' }))).code).toBe('qti_not_qti');
    expect(refusal(() => importPackage(oneItem('item.xml', { 'item.xml': '<assessmentItem xmlns="http://example.com/not-qti" identifier="x"/>' }))).code).toBe('qti_not_qti');
  });

  it('skips, with a warning, an item whose file is missing', () => {
    const out = importPackage(
      pkg({
        'imsmanifest.xml': manifest('<resource identifier="a" type="imsqti_item_xmlv2p1" href="a.xml"/><resource identifier="b" type="imsqti_item_xmlv2p1" href="b.xml"/>'),
        'a.xml': item21(),
      }),
    );
    expect(out.questions).toEqual([{ type: 'essay', prompt: 'Hi', points: 1, feedback: {}, graderGuidance: '' }]);
    expect(out.warnings).toEqual([expect.stringContaining('b.xml is missing')]);
  });
});

describe('refusing bad exports', () => {
  it('an invalid question, a repeated id, or nothing to export', () => {
    const bad = { ...SAMPLES[0]!, correctOptionId: 'zz' } as (typeof SAMPLES)[number];
    const r = refusal(() => exportPackage({ title: 'B', questions: [bad], version: '3.0' }));
    expect(r.code).toBe('qti_bad_question');
    expect((r.error as Invalid).errors?.[0]?.field).toBe('questions.0.correctOptionId');
    expect(refusal(() => exportPackage({ title: 'B', questions: [SAMPLES[0]!, SAMPLES[0]!], version: '2.1' })).code).toBe('qti_duplicate_question');
    // two ordering items with one id would be two QTI choices with one identifier
    const twice = { id: 'o1', type: 'ordering', prompt: 'P', points: 1, feedback: {}, items: [{ id: 'a', text: 'A' }, { id: 'a', text: 'B' }], correctOrder: ['a', 'a'], partialCredit: false } as (typeof SAMPLES)[number];
    expect(refusal(() => exportPackage({ title: 'B', questions: [twice], version: '3.0' })).code).toBe('qti_bad_question');
    expect(refusal(() => exportPackage({ title: 'B', questions: [], version: '2.1' })).code).toBe('qti_nothing_to_export');
  });
});

describe('packaging variations', () => {
  it('finds the manifest one folder down when a tool zipped the folder, and resolves paths from there', () => {
    const files = unzipSync(exportPackage({ title: 'B', questions: SAMPLES.slice(0, 2), version: '3.0', asTest: { title: 'T' } }));
    const nested = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [`export/${k}`, v])));
    const out = importPackage(nested);
    expect(out.questions).toEqual(withoutIds(SAMPLES.slice(0, 2)));
    expect(out.tests).toEqual([{ title: 'T', itemRefs: [0, 1], shuffle: false }]);
  });

  it('reads entries a Windows tool named with backslashes, and still refuses ..\\ in them', () => {
    const ok = pkg({ 'imsmanifest.xml': manifest('<resource identifier="r" type="imsqti_item_xmlv2p1" href="items/x.xml"/>'), 'items\\x.xml': item21() });
    expect(importPackage(ok).questions).toHaveLength(1);
    const bad = pkg({ 'imsmanifest.xml': manifest('<resource identifier="r" type="imsqti_item_xmlv2p1" href="x.xml"/>'), 'x.xml': item21(), 'a\\..\\..\\evil.xml': 'x' });
    expect(refusal(() => importPackage(bad)).code).toBe('qti_unsafe_path');
  });

  it('drops characters XML cannot hold instead of writing a broken file', () => {
    const q = { ...SAMPLES[0]!, prompt: 'Bell\u0007 and form feed\u000c here', options: [{ id: 'a', text: 'x\u0001y' }, { id: 'b', text: 'z' }] } as (typeof SAMPLES)[number];
    const out = importPackage(stripLyceumOf(exportPackage({ title: 'B', questions: [q], version: '2.1' })));
    expect(out.questions[0]).toMatchObject({ prompt: 'Bell and form feed here', options: [{ id: 'a', text: 'xy' }, { id: 'b', text: 'z' }] });
    // the Lyceum metadata keeps them (JSON escapes them), so a Lyceum round trip stays exact
    expect(importPackage(exportPackage({ title: 'B', questions: [q], version: '2.1' })).questions[0]).toMatchObject({ prompt: q.prompt });
  });
});

function stripLyceumOf(zip: Uint8Array): Uint8Array {
  const files = unzipSync(zip);
  const text = new TextDecoder().decode(files['imsmanifest.xml']!).replace(/<metadata><lyceum:question[^]*?<\/lyceum:question><\/metadata>/g, '');
  return zipSync({ ...files, 'imsmanifest.xml': strToU8(text) });
}

describe('QtiService', () => {
  it('wraps export and import, and names the download', () => {
    const service = new QtiService();
    const out = service.importPackage(service.exportPackage({ title: 'B', questions: SAMPLES, version: '2.1' }));
    expect(out.questions).toEqual(withoutIds(SAMPLES));
    expect(out.tests).toEqual([]);
    expect(service.fileName('Álgebra básica: unit 1', '3.0')).toBe('algebra-basica-unit-1-qti-3.0.zip');
    expect(service.fileName('***', '2.1')).toBe('questions-qti-2.1.zip');
  });
});
