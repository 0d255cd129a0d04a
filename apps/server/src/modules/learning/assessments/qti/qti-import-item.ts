import { Question, type QuestionInput } from '../questions.model.js';
import { BLANK_PREFIX } from './qti-export-item.js';
import { plainText, xhtmlToMarkdown } from './qti-html.js';
import { child, childrenNamed, descendants, textContent, type XElement, type XNode } from './qti-xml.js';

/*
 * One QTI item (already normalized to 3.0 names, see qti-names.ts) -> a Lyceum question, from its
 * interactions, response declarations, scoring and feedback alone: this is how items written by
 * other tools come in. Items it cannot express come back as a reason, which the importer reports
 * as a warning.
 */

export type ItemResult = { ok: true; question: Question; title: string; identifier: string; notes: string[] } | { ok: false; reason: string; title: string; identifier: string };

const SUPPORTED = new Set(['qti-choice-interaction', 'qti-text-entry-interaction', 'qti-extended-text-interaction', 'qti-match-interaction', 'qti-order-interaction', 'qti-upload-interaction']);
const isInteraction = (e: XElement) => /^qti-[a-z-]+-interaction$/.test(e.name) || e.name === 'qti-portable-custom-interaction' || e.name === 'qti-custom-interaction';

interface Decl {
  cardinality: string;
  baseType: string;
  correct: string[];
  defaults: string[];
  mapping?: { entries: { key: string; value: number; caseSensitive: boolean }[]; lowerBound?: number; upperBound?: number };
}

const values = (e: XElement | undefined) => (e ? childrenNamed(e, 'qti-value').map((v) => textContent(v).trim()) : []);
const numberAttr = (v: string | undefined) => (v === undefined || v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));

function declarations(root: XElement): Map<string, Decl> {
  const out = new Map<string, Decl>();
  for (const d of childrenNamed(root, 'qti-response-declaration')) {
    const m = child(d, 'qti-mapping');
    out.set(d.attrs.identifier ?? '', {
      cardinality: d.attrs.cardinality ?? 'single',
      baseType: d.attrs['base-type'] ?? 'identifier',
      correct: values(child(d, 'qti-correct-response')),
      defaults: values(child(d, 'qti-default-value')),
      mapping: m && {
        lowerBound: numberAttr(m.attrs['lower-bound']),
        upperBound: numberAttr(m.attrs['upper-bound']),
        entries: childrenNamed(m, 'qti-map-entry').map((e) => ({ key: (e.attrs['map-key'] ?? '').trim(), value: Number(e.attrs['mapped-value'] ?? 0), caseSensitive: e.attrs['case-sensitive'] !== 'false' })),
      },
    });
  }
  return out;
}

/** QTI identifiers -> Lyceum local ids (a letter, then letters, digits, _ or -), stable and unique. */
function idMapper() {
  const map = new Map<string, string>();
  const used = new Set<string>();
  return (qti: string): string => {
    const known = map.get(qti);
    if (known) return known;
    let id = qti.replace(/[^A-Za-z0-9_-]/g, '_');
    if (!/^[A-Za-z]/.test(id)) id = `c${id}`;
    id = id.slice(0, 60);
    let unique = id;
    for (let n = 2; used.has(unique); n++) unique = `${id}_${n}`;
    used.add(unique);
    map.set(qti, unique);
    return unique;
  };
}

/** Body content with some elements dropped or replaced (by a list of nodes). */
function rewrite(nodes: XNode[], fn: (e: XElement) => XNode[] | undefined): XNode[] {
  return nodes.flatMap((n) => {
    if (n.kind === 'text') return [n];
    const r = fn(n);
    if (r) return r;
    return [{ ...n, children: rewrite(n.children, fn) }];
  });
}

const contentOf = (e: XElement) => child(e, 'qti-content-body')?.children ?? e.children;

export function readItem(root: XElement): ItemResult {
  const identifier = root.attrs.identifier ?? '';
  const title = (root.attrs.title ?? identifier).trim();
  const fail = (reason: string): ItemResult => ({ ok: false, reason, title, identifier });
  const body = child(root, 'qti-item-body');
  if (!body) return fail('it has no item body');
  const decls = declarations(root);
  const rp = child(root, 'qti-response-processing');
  const rpFind = (name: string) => (rp ? descendants(rp, (e) => e.name === name) : []);

  const interactions = descendants(body, isInteraction);
  if (!interactions.length) return fail('it has no interaction');
  const unsupported = interactions.find((i) => !SUPPORTED.has(i.name));
  if (unsupported) return fail(`${unsupported.name} is not supported`);
  const kinds = new Set(interactions.map((i) => i.name));
  if (kinds.size > 1 || (interactions.length > 1 && !kinds.has('qti-text-entry-interaction'))) return fail('it combines several interactions');
  const kind = interactions[0]!.name;
  const interaction = interactions[0]!;

  // grader guidance, prompt and feedback ------------------------------------------------------------
  const rubrics = descendants(body, (e) => e.name === 'qti-rubric-block');
  const guidance = rubrics.filter((r) => /scorer/.test(r.attrs.view ?? '')).map((r) => xhtmlToMarkdown(contentOf(r))).filter(Boolean).join('\n\n');
  // scorer / tutor rubrics are grader guidance; a candidate rubric is part of what the learner reads
  const forCandidate = (e: XElement) => /candidate/.test(e.attrs.view ?? '');
  const withoutRubrics = rewrite(body.children, (e) => (e.name === 'qti-rubric-block' ? (forCandidate(e) ? contentOf(e) : []) : undefined));
  // An interaction's own prompt joins the question's; a text entry alone in its paragraph goes,
  // one inside a sentence leaves a visible gap.
  const onlyEntry = (e: XElement) => {
    const rest = e.children.filter((c) => c.kind === 'el' || c.text.trim());
    return rest.length === 1 && rest[0]!.kind === 'el' && rest[0]!.name === 'qti-text-entry-interaction';
  };
  const promptOf = (nodes: XNode[]) =>
    xhtmlToMarkdown(
      rewrite(nodes, (e): XNode[] | undefined => {
        if (e.name === 'qti-text-entry-interaction') return [{ kind: 'text', text: '____' }];
        if (isInteraction(e)) return child(e, 'qti-prompt')?.children ?? [];
        if (e.name.startsWith('qti-feedback') || (e.name === 'p' && onlyEntry(e))) return [];
        return undefined;
      }),
    ) || title;

  const notes: string[] = [];
  const feedback: { correct?: string; incorrect?: string; general?: string } = {};
  for (const m of childrenNamed(root, 'qti-modal-feedback')) {
    const key = (m.attrs.identifier ?? '').toLowerCase();
    if (key === 'correct' || key === 'incorrect' || key === 'general') feedback[key] = xhtmlToMarkdown(contentOf(m));
    else notes.push(`its feedback "${m.attrs.identifier ?? ''}" is not correct, incorrect or general and was left out`);
  }

  const mapId = idMapper();
  const points = (fallback?: number) => {
    const max = childrenNamed(root, 'qti-outcome-declaration').find((o) => o.attrs.identifier === 'MAXSCORE');
    const fromMax = numberAttr(values(max && child(max, 'qti-default-value'))[0]);
    if (fromMax !== undefined && fromMax >= 0) return fromMax;
    return fallback ?? 1;
  };
  const decl = decls.get(interaction.attrs['response-identifier'] ?? '');
  const common = (p: number) => ({ prompt: promptOf(withoutRubrics), points: p, feedback });
  const positiveSum = (d?: Decl) => d?.mapping?.upperBound ?? (d?.mapping ? d.mapping.entries.filter((e) => e.value > 0).reduce((s, e) => s + e.value, 0) : undefined);
  const choiceList = (e: XElement, name: string) =>
    childrenNamed(e, name).map((c) => {
      const original = c.attrs.identifier ?? '';
      const text = plainText(c.children.filter((n) => n.kind === 'text' || !n.name.startsWith('qti-feedback'))) || original;
      return { original, id: mapId(original), text: text.slice(0, 2000) };
    });

  let q: QuestionInput;
  switch (kind) {
    case 'qti-choice-interaction': {
      if (!decl) return fail('its choice interaction has no response declaration');
      const options = choiceList(interaction, 'qti-simple-choice');
      const single = decl.cardinality === 'single' || interaction.attrs['max-choices'] === '1';
      const mappedCorrect = decl.mapping?.entries.filter((e) => e.value > 0).map((e) => e.key) ?? [];
      const correct = (decl.correct.length ? decl.correct : mappedCorrect).filter((c) => options.some((o) => o.original === c));
      if (!correct.length) return fail('it has no correct answer');
      const shuffle = interaction.attrs.shuffle === 'true';
      const ids = new Set(options.map((o) => o.original.toLowerCase()));
      if (single && options.length === 2 && ids.has('true') && ids.has('false')) {
        q = { type: 'true_false', ...common(points()), correct: correct[0]!.toLowerCase() === 'true' };
      } else if (single) {
        q = { type: 'single_choice', ...common(points()), options: options.map(({ id, text }) => ({ id, text })), correctOptionId: mapId(correct[0]!), shuffleOptions: shuffle };
      } else {
        q = {
          type: 'multiple_choice',
          ...common(points(positiveSum(decl))),
          options: options.map(({ id, text }) => ({ id, text })),
          correctOptionIds: correct.map(mapId),
          partialCredit: !!decl.mapping,
          shuffleOptions: shuffle,
        };
      }
      break;
    }
    case 'qti-text-entry-interaction': {
      const lyFill = descendants(body, (e) => e.name === 'div' && e.attrs.class === 'lyceum-fill-text').length > 0;
      if (!lyFill && interactions.length === 1 && decl && (decl.baseType === 'float' || decl.baseType === 'integer')) {
        const answer = Number(decl.correct[0] ?? decl.mapping?.entries[0]?.key);
        if (!Number.isFinite(answer)) return fail('its numeric answer is missing');
        const equal = rpFind('qti-equal')[0];
        const mode = equal?.attrs['tolerance-mode'] ?? 'exact';
        const tolerance = mode === 'exact' ? 0 : Math.abs(Number((equal?.attrs.tolerance ?? '0').trim().split(/\s+/)[0]) || 0);
        q = { type: 'numeric', ...common(points()), answer, tolerance, toleranceMode: mode === 'relative' ? 'percent' : 'absolute' };
      } else if (!lyFill && interactions.length === 1) {
        if (!decl) return fail('its text entry has no response declaration');
        const ordered = rp ? descendants(rp, (e) => e.name === 'qti-string-match' || e.name === 'qti-pattern-match') : [];
        const answers = ordered.length
          ? ordered.map((t) =>
              t.name === 'qti-pattern-match'
                ? { value: t.attrs.pattern ?? '', caseSensitive: true, regex: true }
                : { value: textContent(child(t, 'qti-base-value') ?? { kind: 'text', text: '' }).trim(), caseSensitive: t.attrs['case-sensitive'] !== 'false', regex: false },
            )
          : decl.mapping?.entries.length
            ? decl.mapping.entries.filter((e) => e.value > 0).map((e) => ({ value: e.key, caseSensitive: e.caseSensitive, regex: false }))
            : decl.correct.map((c) => ({ value: c, caseSensitive: true, regex: false }));
        if (!answers.length || answers.some((a) => !a.value)) return fail('it has no correct answer');
        const bestMapped = decl.mapping?.entries.length ? Math.max(...decl.mapping.entries.map((e) => e.value)) : undefined;
        q = { type: 'short_answer', ...common(points(decl.mapping?.upperBound ?? (bestMapped && bestMapped > 0 ? bestMapped : undefined))), answers };
      } else {
        // fill in the blanks: each text entry becomes {{id}} in the text
        const blanks = interactions.map((i) => {
          const rid = i.attrs['response-identifier'] ?? '';
          const d = decls.get(rid);
          const answers = d?.mapping?.entries.length ? d.mapping.entries.filter((e) => e.value > 0).map((e) => e.key) : (d?.correct ?? []);
          return { rid, id: mapId(rid.startsWith(BLANK_PREFIX) ? rid.slice(BLANK_PREFIX.length) : rid), answers, caseSensitive: d?.mapping ? (d.mapping.entries[0]?.caseSensitive ?? true) : true };
        });
        const missing = blanks.find((b) => !b.answers.length);
        if (missing) return fail(`blank ${missing.rid} has no correct answer`);
        const toText = (nodes: XNode[]) =>
          xhtmlToMarkdown(rewrite(nodes, (e) => (e.name === 'qti-text-entry-interaction' ? [{ kind: 'text', raw: true, text: `{{${blanks.find((b) => b.rid === e.attrs['response-identifier'])!.id}}}` }] : undefined)));
        const lyPrompt = descendants(body, (e) => e.name === 'div' && e.attrs.class === 'lyceum-prompt')[0];
        const lyText = descendants(body, (e) => e.name === 'div' && e.attrs.class === 'lyceum-fill-text')[0];
        let prompt: string;
        let text: string;
        if (lyPrompt && lyText) {
          prompt = xhtmlToMarkdown(lyPrompt.children);
          text = toText(lyText.children);
        } else {
          // blocks before the first one holding a blank are the instruction; the rest is the text
          const top = withoutRubrics.filter((n) => n.kind === 'el' || n.text.trim());
          const first = top.findIndex((n) => n.kind === 'el' && (n.name === 'qti-text-entry-interaction' || descendants(n, (e) => e.name === 'qti-text-entry-interaction').length > 0));
          const lead = first > 0 && top.slice(0, first).every((n) => n.kind === 'el') ? top.slice(0, first) : [];
          prompt = xhtmlToMarkdown(lead) || title;
          text = toText(top.slice(lead.length));
        }
        const sumOfBlanks = blanks.length;
        const productBase = rpFind('qti-product').flatMap((p) => childrenNamed(p, 'qti-base-value')).map((b) => Number(textContent(b)))[0];
        q = {
          type: 'fill_blanks',
          prompt,
          points: points(productBase !== undefined && Number.isFinite(productBase) ? productBase * sumOfBlanks : sumOfBlanks),
          feedback,
          text,
          blanks: blanks.map((b) => ({ id: b.id, answers: b.answers, caseSensitive: b.caseSensitive })),
        };
      }
      break;
    }
    case 'qti-extended-text-interaction':
      q = { type: 'essay', ...common(points()), graderGuidance: guidance };
      break;
    case 'qti-upload-interaction':
      q = { type: 'file_response', ...common(points()), graderGuidance: guidance, allowedTypes: (interaction.attrs.type ?? '').split(/[\s,]+/).filter((t) => t.length >= 3) };
      break;
    case 'qti-match-interaction': {
      if (!decl) return fail('its match interaction has no response declaration');
      const sets = childrenNamed(interaction, 'qti-simple-match-set');
      if (sets.length !== 2) return fail('its match interaction does not have two sets');
      const left = choiceList(sets[0]!, 'qti-simple-associable-choice');
      const right = choiceList(sets[1]!, 'qti-simple-associable-choice');
      const pairs: Record<string, string> = {};
      const correct = decl.correct.length ? decl.correct : (decl.mapping?.entries.filter((e) => e.value > 0).map((e) => e.key) ?? []);
      for (const pair of correct) {
        const [a, b] = pair.split(/\s+/);
        const l = left.find((o) => o.original === a) ?? left.find((o) => o.original === b);
        const r = l && right.find((o) => o.original === (l.original === a ? b : a));
        if (l && r) pairs[l.id] = r.id;
      }
      q = {
        type: 'matching',
        ...common(points(positiveSum(decl))),
        prompts: left.map(({ id, text }) => ({ id, text })),
        choices: right.map(({ id, text }) => ({ id, text })),
        pairs,
        partialCredit: !!decl.mapping,
      };
      break;
    }
    case 'qti-order-interaction': {
      if (!decl) return fail('its order interaction has no response declaration');
      const items = choiceList(interaction, 'qti-simple-choice');
      q = {
        type: 'ordering',
        ...common(points()),
        items: items.map(({ id, text }) => ({ id, text })),
        correctOrder: decl.correct.filter((c) => items.some((i) => i.original === c)).map(mapId),
        partialCredit: rpFind('qti-index').length > 0,
      };
      break;
    }
    default:
      return fail(`${kind} is not supported`);
  }

  const parsed = Question.safeParse(q);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(`it does not fit a Lyceum question (${issue.path.join('.') || 'question'}: ${issue.message})`);
  }
  return { ok: true, question: parsed.data, title, identifier, notes };
}
