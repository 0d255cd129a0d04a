import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    'img',
    'h1',
    'h2',
    'del',
    'ins',
    'sup',
    'sub',
    'input',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    code: ['class'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    input: ['type', 'checked', 'disabled'],
  },
  // Only these URL schemes survive in href/src/cite: javascript:, data:, vbscript: are dropped.
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  allowedClasses: { code: [/^language-[\w-]+$/] },
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'noopener noreferrer nofollow', ...(attribs.target ? { target: '_blank' } : {}) },
    }),
    // task-list checkboxes only; any other input is neutralised to a disabled checkbox
    input: (tagName, attribs) => ({
      tagName,
      attribs: { type: 'checkbox', disabled: '', ...(attribs.checked !== undefined ? { checked: '' } : {}) },
    }),
  },
};

/** Sanitizes arbitrary HTML: no scripts, no event handlers, no javascript:/data: URLs, no styles. */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

/** Markdown (GitHub flavoured) to sanitized HTML. Raw HTML inside the markdown is sanitized too. */
export function renderMarkdown(markdown: string): string {
  if (!markdown.trim()) return '';
  return sanitize(marked.parse(markdown) as string);
}
