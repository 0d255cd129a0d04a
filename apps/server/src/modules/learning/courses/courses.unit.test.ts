import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitize } from './courses.markdown.js';
import { hasCycleThrough } from './curriculum.service.js';
import { firstFreeSlug, slugify } from './slug.js';
import { catalogListQuery, effectiveSort } from './catalog.query.js';
import { PgDialect } from 'drizzle-orm/pg-core';

describe('markdown rendering', () => {
  it('renders GitHub-flavoured markdown', () => {
    const html = renderMarkdown('# Title\n\nSome **bold** and `code`.\n\n```ts\nconst a = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code class="language-ts">');
    expect(html).toContain('<table>');
  });

  it('strips <script>, inline event handlers and javascript: URLs', () => {
    const md = [
      'Hello <script>alert("x")</script>',
      '<img src="https://img.example/a.png" onerror="alert(1)">',
      '<a href="javascript:alert(1)" onclick="steal()">click</a>',
      '[md link](javascript:alert(2))',
      '<a href="JaVaScRiPt:alert(3)">mixed case</a>',
      '<iframe src="https://evil.example"></iframe>',
      '<div style="background:url(javascript:alert(4))" onmouseover="x()">styled</div>',
      '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    ].join('\n\n');
    const html = renderMarkdown(md);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/alert\("x"\)/);
    expect(html).not.toMatch(/\bon[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toMatch(/style=/i);
    expect(html).not.toMatch(/data:image/i);
    // the harmless parts stay
    expect(html).toContain('Hello');
    expect(html).toContain('<img src="https://img.example/a.png" />');
    expect(html).toContain('click');
    expect(html).toContain('styled');
  });

  it('makes links safe to open', () => {
    expect(renderMarkdown('[site](https://example.com)')).toBe(
      '<p><a href="https://example.com" rel="noopener noreferrer nofollow">site</a></p>\n',
    );
  });

  it('sanitizes raw HTML directly too', () => {
    expect(sanitize('<p onclick="x()">hi<script>bad()</script></p>')).toBe('<p>hi</p>');
    expect(renderMarkdown('   ')).toBe('');
  });
});

describe('slugs', () => {
  it('slugifies titles, stripping accents and symbols', () => {
    expect(slugify('Intro to Élan & Café: Part #2!')).toBe('intro-to-elan-cafe-part-2');
    expect(slugify('***')).toBe('course');
    expect(slugify('a'.repeat(200)).length).toBe(80);
  });

  it('picks the first free suffix', () => {
    expect(firstFreeSlug('intro', new Set())).toBe('intro');
    expect(firstFreeSlug('intro', new Set(['intro', 'intro-2']))).toBe('intro-3');
  });
});

describe('prerequisite cycles', () => {
  it('detects a path back to the start', () => {
    const edges = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', []],
    ]);
    expect(hasCycleThrough(edges, 'a')).toBe(false);
    edges.set('c', ['a']);
    expect(hasCycleThrough(edges, 'a')).toBe(true);
    // a cycle elsewhere does not concern `a`
    expect(hasCycleThrough(new Map([['a', ['b']], ['b', ['c']], ['c', ['b']]]), 'a')).toBe(false);
  });
});

describe('catalog query', () => {
  const dialect = new PgDialect();
  it('defaults to relevance with a query and newest without', () => {
    expect(effectiveSort({ q: 'python' })).toBe('relevance');
    expect(effectiveSort({})).toBe('newest');
    expect(effectiveSort({ sort: 'relevance' })).toBe('newest');
    expect(effectiveSort({ q: 'x', sort: 'popularity' })).toBe('popularity');
  });

  it('binds every user value as a parameter', () => {
    const evil = "x'); DROP TABLE courses; --";
    const q = dialect.sqlToQuery(
      catalogListQuery({ q: evil, category: evil, language: 'en', tags: [evil], limit: 20, memberOrgId: '01234567-89ab-4def-8123-456789abcdef' }),
    );
    expect(q.sql).not.toContain('DROP TABLE');
    expect(q.params).toContain(evil);
    expect(q.sql).toContain('websearch_to_tsquery');
    expect(q.params).toContain(21);
  });
});
