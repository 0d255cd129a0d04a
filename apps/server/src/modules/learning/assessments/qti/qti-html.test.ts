import { describe, expect, it } from 'vitest';
import { markdownToXhtml, xhtmlToMarkdown } from './qti-html.js';
import { isWellFormed, parseXml } from './qti-xml.js';

const back = (md: string) => xhtmlToMarkdown(parseXml(`<div>${markdownToXhtml(md)}</div>`, 'test').children);

describe('markdown <-> QTI XHTML', () => {
  it('writes well-formed XML in the QTI content subset, with no scripts, task-list inputs or link targets', () => {
    const html = markdownToXhtml('Hi <script>alert(1)</script> ~~gone~~ [x](https://a.b?c=1&d=2)\n\n- [x] done\n\n![pic](https://a.b/p.png)\n\nline  \nbreak\n\n---');
    expect(isWellFormed(`<div>${html}</div>`)).toBe(true);
    expect(html).not.toMatch(/<script|<input|<del|rel=|target=/);
    expect(html).toContain('<a href="https://a.b?c=1&amp;d=2">x</a>');
    expect(html).toContain('<img src="https://a.b/p.png" alt="pic" />');
    expect(html).toContain('<br />');
    expect(html).toContain('<span>gone</span>');
  });

  it('gives back the markdown it was written from, for the common constructs', () => {
    for (const md of [
      '# Title\n\nSome **bold**, *italic* and `code`.',
      '1. one\n2. two\n3. three',
      '- a\n- b with [a link](https://example.org/x)',
      '> quoted **text**',
      '```python\nprint("<hi>")\nx = 1 & 2\n```',
      'first line  \nsecond line',
      'x<sub>2</sub> and e<sup>x</sup>',
      'literal \\*stars\\* and \\_under\\_',
      '| a | b |\n| --- | --- |\n| 1 | 2 |',
      '![alt text](https://example.org/a.png)',
      '---',
    ]) {
      expect(back(md), md).toBe(md);
    }
  });
});
