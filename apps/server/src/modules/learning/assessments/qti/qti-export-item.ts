import type { Question } from '../questions.model.js';
import { markdownToXhtml, plainText } from './qti-html.js';
import { attrs, elName, type QtiVersion, VERSIONS, XSI_NS } from './qti-names.js';
import { type Child, el, parseXml, Raw, xmlDocument } from './qti-xml.js';

/*
 * One Lyceum question -> one QTI assessment item (3.0 `qti-assessment-item` or 2.1
 * `assessmentItem`). Scoring is written so a QTI player grades it as Lyceum does: the standard
 * match_correct / map_response templates where they fit (1 point, no feedback), otherwise the
 * same rules inline with SCORE scaled to the question's points; partial credit is a mapping
 * (`qti-map-response`); numeric tolerance is `qti-equal` with tolerance-mode absolute/relative.
 *
 * Types QTI has no interaction for are written as the nearest interaction, and the manifest's
 * Lyceum metadata carries the rest so a Lyceum export re-imports unchanged:
 * - `true_false`: a single-answer choice between the identifiers `true` and `false`.
 * - `code`: an extended-text interaction (preformatted, class `lyceum-code`, starter code as the
 *   response's default value); language, limits and test cases live only in the Lyceum metadata,
 *   so another tool sees (and grades by hand) an essay.
 * - `essay` word limits, `file_response` size limits and several allowed types, and short-answer
 *   whitespace folding have no QTI attribute; they too round-trip through the metadata.
 */

export const RESPONSE = 'RESPONSE';
export const BLANK_PREFIX = 'BLANK-';

type Attrs = Record<string, string | number | boolean | undefined>;

export interface ItemContext {
  version: QtiVersion;
  identifier: string;
  title: string;
}

interface Mapping {
  defaultValue?: number;
  lowerBound?: number;
  upperBound?: number;
  entries: { key: string; value: number; caseSensitive?: boolean }[];
}

/** Numbers as QTI floats: no exponent surprises for ordinary values, full precision kept. */
const num = (n: number) => String(n);

export function buildItem(q: Question, ctx: ItemContext): string {
  const v = ctx.version;
  const E = (name: string, a: Attrs, ...children: Child[]) => el(elName(v, name), attrs(v, a), ...children);

  // ---- declarations -----------------------------------------------------------------------------
  const responseDecl = (id: string, cardinality: string, baseType: string, correct?: string[], mapping?: Mapping, defaultValue?: string) =>
    E(
      'qti-response-declaration',
      { identifier: id, cardinality, 'base-type': baseType },
      defaultValue !== undefined && E('qti-default-value', {}, E('qti-value', {}, defaultValue)),
      correct?.length ? E('qti-correct-response', {}, correct.map((c) => E('qti-value', {}, c))) : null,
      mapping &&
        E(
          'qti-mapping',
          { 'default-value': num(mapping.defaultValue ?? 0), 'lower-bound': mapping.lowerBound !== undefined ? num(mapping.lowerBound) : undefined, 'upper-bound': mapping.upperBound !== undefined ? num(mapping.upperBound) : undefined },
          mapping.entries.map((m) => E('qti-map-entry', { 'map-key': m.key, 'mapped-value': num(m.value), 'case-sensitive': String(m.caseSensitive ?? true) })),
        ),
    );
  const outcome = (id: string, cardinality: string, baseType: string, value?: string) =>
    E('qti-outcome-declaration', { identifier: id, cardinality, 'base-type': baseType }, value !== undefined && E('qti-default-value', {}, E('qti-value', {}, value)));

  // ---- expressions and rules --------------------------------------------------------------------
  const variable = (id: string) => E('qti-variable', { identifier: id });
  const base = (type: string, value: string) => E('qti-base-value', { 'base-type': type }, value);
  const set = (id: string, expr: Raw) => E('qti-set-outcome-value', { identifier: id }, expr);
  const ifElse = (test: Raw, then: Raw[], otherwise?: Raw[]) =>
    E('qti-response-condition', {}, E('qti-response-if', {}, test, then), otherwise && E('qti-response-else', {}, otherwise));
  const score = (n: number) => set('SCORE', base('float', num(n)));
  const matchCorrect = () => ifElse(E('qti-match', {}, variable(RESPONSE), E('qti-correct', { identifier: RESPONSE })), [score(q.points)], [score(0)]);
  const mapResponse = () => ifElse(E('qti-is-null', {}, variable(RESPONSE)), [score(0)], [set('SCORE', E('qti-map-response', { identifier: RESPONSE }))]);

  const xhtml = (md: string) => new Raw(markdownToXhtml(md));
  const declarations: Raw[] = [];
  const body: Child[] = [];
  let rules: Raw[] = [];
  let template: 'matchCorrect' | 'mapResponse' | null = null;

  const graderGuidance = 'graderGuidance' in q && q.graderGuidance ? q.graderGuidance : '';
  if (graderGuidance) {
    const content = xhtml(graderGuidance);
    body.push(E('qti-rubric-block', { view: 'scorer', use: v === '3.0' ? 'scoring' : undefined }, v === '3.0' ? E('qti-content-body', {}, content) : content));
  }
  body.push(el('div', { class: 'lyceum-prompt' }, xhtml(q.prompt)));
  const choices = (list: { id: string; text: string }[]) => list.map((o) => E('qti-simple-choice', { identifier: o.id }, o.text));

  switch (q.type) {
    case 'single_choice':
    case 'true_false': {
      const options = q.type === 'true_false' ? [{ id: 'true', text: 'True' }, { id: 'false', text: 'False' }] : q.options;
      const correct = q.type === 'true_false' ? String(q.correct) : q.correctOptionId;
      declarations.push(responseDecl(RESPONSE, 'single', 'identifier', [correct]));
      body.push(E('qti-choice-interaction', { 'response-identifier': RESPONSE, shuffle: q.type === 'single_choice' ? q.shuffleOptions : false, 'max-choices': 1 }, choices(options)));
      rules = [matchCorrect()];
      template = 'matchCorrect';
      break;
    }
    case 'multiple_choice': {
      const share = q.points / q.correctOptionIds.length;
      const mapping: Mapping | undefined = q.partialCredit
        ? { defaultValue: 0, lowerBound: 0, upperBound: q.points, entries: q.options.map((o) => ({ key: o.id, value: q.correctOptionIds.includes(o.id) ? share : -share })) }
        : undefined;
      declarations.push(responseDecl(RESPONSE, 'multiple', 'identifier', q.correctOptionIds, mapping));
      body.push(E('qti-choice-interaction', { 'response-identifier': RESPONSE, shuffle: q.shuffleOptions, 'max-choices': 0 }, choices(q.options)));
      rules = [q.partialCredit ? mapResponse() : matchCorrect()];
      template = q.partialCredit ? 'mapResponse' : 'matchCorrect';
      break;
    }
    case 'short_answer': {
      const plain = q.answers.filter((a) => !a.regex);
      declarations.push(
        responseDecl(RESPONSE, 'single', 'string', plain.length ? [plain[0]!.value] : undefined, plain.length ? { defaultValue: 0, upperBound: q.points, entries: plain.map((a) => ({ key: a.value, value: q.points, caseSensitive: a.caseSensitive })) } : undefined),
      );
      body.push(el('p', {}, E('qti-text-entry-interaction', { 'response-identifier': RESPONSE, 'expected-length': Math.min(200, Math.max(...q.answers.map((a) => a.value.length)) + 5) })));
      const tests = q.answers.map((a) => (a.regex ? E('qti-pattern-match', { pattern: a.value }, variable(RESPONSE)) : E('qti-string-match', { 'case-sensitive': String(a.caseSensitive) }, variable(RESPONSE), base('string', a.value))));
      rules = [ifElse(tests.length === 1 ? tests[0]! : E('qti-or', {}, tests), [score(q.points)], [score(0)])];
      break;
    }
    case 'numeric': {
      declarations.push(responseDecl(RESPONSE, 'single', 'float', [num(q.answer)]));
      body.push(el('p', {}, E('qti-text-entry-interaction', { 'response-identifier': RESPONSE, 'expected-length': 12 })));
      const mode = q.tolerance === 0 ? 'exact' : q.toleranceMode === 'percent' ? 'relative' : 'absolute';
      const equal = E('qti-equal', { 'tolerance-mode': mode, tolerance: mode === 'exact' ? undefined : num(q.tolerance) }, variable(RESPONSE), E('qti-correct', { identifier: RESPONSE }));
      rules = [ifElse(equal, [score(q.points)], [score(0)])];
      break;
    }
    case 'fill_blanks': {
      const tokens = q.blanks.map((_, i) => `LYCEUMBLANK${i}X`);
      let text = q.text;
      q.blanks.forEach((b, i) => (text = text.split(`{{${b.id}}}`).join(tokens[i]!)));
      let html = markdownToXhtml(text);
      q.blanks.forEach((b, i) => {
        const interaction = E('qti-text-entry-interaction', { 'response-identifier': BLANK_PREFIX + b.id, 'expected-length': Math.min(200, Math.max(...b.answers.map((a) => a.length)) + 3) });
        html = html.split(tokens[i]!).join(interaction.xml);
      });
      for (const b of q.blanks) {
        declarations.push(responseDecl(BLANK_PREFIX + b.id, 'single', 'string', [b.answers[0]!], { defaultValue: 0, upperBound: 1, entries: b.answers.map((a) => ({ key: a, value: 1, caseSensitive: b.caseSensitive })) }));
      }
      body.push(el('div', { class: 'lyceum-fill-text' }, new Raw(html)));
      const sum = E('qti-sum', {}, q.blanks.map((b) => E('qti-map-response', { identifier: BLANK_PREFIX + b.id })));
      rules = [set('SCORE', E('qti-product', {}, sum, base('float', num(q.points / q.blanks.length))))];
      break;
    }
    case 'matching': {
      const correct = q.prompts.map((p) => `${p.id} ${q.pairs[p.id]}`);
      const share = q.points / q.prompts.length;
      declarations.push(responseDecl(RESPONSE, 'multiple', 'directedPair', correct, q.partialCredit ? { defaultValue: 0, lowerBound: 0, upperBound: q.points, entries: correct.map((key) => ({ key, value: share })) } : undefined));
      const set1 = q.prompts.map((p) => E('qti-simple-associable-choice', { identifier: p.id, 'match-max': 1 }, p.text));
      const set2 = q.choices.map((c) => E('qti-simple-associable-choice', { identifier: c.id, 'match-max': q.prompts.length }, c.text));
      body.push(E('qti-match-interaction', { 'response-identifier': RESPONSE, shuffle: false, 'max-associations': q.prompts.length }, E('qti-simple-match-set', {}, set1), E('qti-simple-match-set', {}, set2)));
      rules = [q.partialCredit ? mapResponse() : matchCorrect()];
      template = q.partialCredit ? 'mapResponse' : 'matchCorrect';
      break;
    }
    case 'ordering': {
      declarations.push(responseDecl(RESPONSE, 'ordered', 'identifier', q.correctOrder));
      body.push(E('qti-order-interaction', { 'response-identifier': RESPONSE, shuffle: true }, choices(q.items)));
      if (q.partialCredit) {
        // each item in its right place earns its share
        const share = q.points / q.correctOrder.length;
        rules = [
          score(0),
          ...q.correctOrder.map((id, i) =>
            ifElse(E('qti-match', {}, E('qti-index', { n: i + 1 }, variable(RESPONSE)), base('identifier', id)), [set('SCORE', E('qti-sum', {}, variable('SCORE'), base('float', num(share))))]),
          ),
        ];
      } else {
        rules = [matchCorrect()];
        template = 'matchCorrect';
      }
      break;
    }
    case 'essay':
    case 'code':
      declarations.push(responseDecl(RESPONSE, 'single', 'string', undefined, undefined, q.type === 'code' && q.starterCode ? q.starterCode : undefined));
      body.push(E('qti-extended-text-interaction', { 'response-identifier': RESPONSE, format: q.type === 'code' ? 'preformatted' : 'plain', class: q.type === 'code' ? `lyceum-code language-${q.language}` : undefined }));
      break;
    case 'file_response':
      declarations.push(responseDecl(RESPONSE, 'single', 'file'));
      body.push(E('qti-upload-interaction', { 'response-identifier': RESPONSE, type: q.allowedTypes.length === 1 ? q.allowedTypes[0] : undefined }));
      break;
  }

  // ---- feedback ---------------------------------------------------------------------------------
  const fb = q.feedback;
  const hasFeedback = !!(fb.correct || fb.incorrect || fb.general);
  const autoGraded = rules.length > 0;
  if (hasFeedback) {
    const ids = (outcome: 'correct' | 'incorrect' | null) => E('qti-multiple', {}, outcome && base('identifier', outcome), fb.general && base('identifier', 'general'));
    if (autoGraded) rules.push(ifElse(E('qti-gte', {}, variable('SCORE'), variable('MAXSCORE')), [set('FEEDBACK', ids('correct'))], [set('FEEDBACK', ids('incorrect'))]));
    else if (fb.general) rules.push(set('FEEDBACK', ids(null)));
  }
  const modal = (['correct', 'incorrect', 'general'] as const)
    .filter((k) => fb[k])
    .map((k) => {
      const content = xhtml(fb[k]!);
      return E('qti-modal-feedback', { 'outcome-identifier': 'FEEDBACK', identifier: k, 'show-hide': 'show' }, v === '3.0' ? E('qti-content-body', {}, content) : content);
    });

  const outcomes = [outcome('SCORE', 'single', 'float', '0'), outcome('MAXSCORE', 'single', 'float', num(q.points)), hasFeedback && outcome('FEEDBACK', 'multiple', 'identifier')];
  const useTemplate = template && !hasFeedback && (template === 'mapResponse' || q.points === 1);
  const info = VERSIONS[v];
  const processing = useTemplate
    ? E('qti-response-processing', { template: template === 'mapResponse' ? info.mapResponse : info.matchCorrect })
    : rules.length
      ? E('qti-response-processing', {}, rules)
      : null;

  const root = el(
    elName(v, 'qti-assessment-item'),
    {
      xmlns: info.qtiNs,
      'xmlns:xsi': XSI_NS,
      'xsi:schemaLocation': `${info.qtiNs} ${info.qtiSchema}`,
      identifier: ctx.identifier,
      title: ctx.title,
      [v === '3.0' ? 'time-dependent' : 'timeDependent']: 'false',
      adaptive: 'false',
    },
    declarations,
    outcomes,
    E('qti-item-body', {}, body),
    processing,
    modal,
  );
  return xmlDocument(root);
}

/** A one-line title from a markdown prompt. */
export function titleFromPrompt(prompt: string): string {
  const xhtml = markdownToXhtml(prompt);
  let text = '';
  try {
    text = plainText(parseXml(`<div>${xhtml}</div>`, 'prompt').children);
  } catch {
    text = prompt;
  }
  text = text.replace(/\s+/g, ' ').trim();
  return (text.length > 80 ? `${text.slice(0, 77)}...` : text) || 'Question';
}
