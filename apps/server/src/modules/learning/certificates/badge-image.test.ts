import { describe, expect, it } from 'vitest';
import { renderBadgeSvg, wrapTitle } from './badge-image.js';

describe('badge image', () => {
  it('wraps a long title into at most three lines, cutting with an ellipsis', () => {
    expect(wrapTitle('Analytical Engines')).toEqual(['Analytical', 'Engines']);
    expect(wrapTitle('An introduction to the theory of computation and its many applications')).toEqual(['An introduction', 'to the theory of', 'computation and…']);
    expect(wrapTitle('Pneumonoultramicroscopicsilicovolcanoconiosis')).toEqual(['Pneumonoultrami…']);
  });

  it('escapes the facts: a title cannot inject markup into the SVG', () => {
    const svg = renderBadgeSvg({ courseTitle: '<script>alert(1)</script> & "Tom\'s"', title: 'Certificate', issuerName: 'A <b>' });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('&amp;');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(renderBadgeSvg({ courseTitle: 'Łukasz’s course', title: 'C', issuerName: 'I' })).toContain('Łukasz’s');
  });
});
