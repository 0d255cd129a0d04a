import { describe, expect, it } from 'vitest';
import { Invalid } from '../../../kernel/errors/index.js';
import { MAX_BULK_ROWS, normalizeEmail, parseEmailCsv } from './bulk-csv.js';

describe('parseEmailCsv', () => {
  it('reads the email column of a file with a header, numbering rows by file line', () => {
    const rows = parseEmailCsv('name,Email\nAda,ada@example.com\n\n"Hopper, Grace",grace@example.com\n');
    expect(rows).toEqual([
      { row: 2, email: 'ada@example.com' },
      { row: 4, email: 'grace@example.com' },
    ]);
  });

  it('takes the first cell holding an @ when there is no header', () => {
    expect(parseEmailCsv('\uFEFFada@example.com\nLinus,linus@example.com\nnot-an-email')).toEqual([
      { row: 1, email: 'ada@example.com' },
      { row: 2, email: 'linus@example.com' },
      { row: 3, email: 'not-an-email' },
    ]);
  });

  it('refuses an empty file, a malformed one and one that is too long', () => {
    expect(() => parseEmailCsv('email\n\n')).toThrow(Invalid);
    expect(() => parseEmailCsv('"unterminated,quote\n')).toThrow(/could not be read/);
    const big = Array.from({ length: MAX_BULK_ROWS + 1 }, (_, i) => `u${i}@example.com`).join('\n');
    expect(() => parseEmailCsv(big)).toThrow(/at most/);
  });
});

describe('normalizeEmail', () => {
  it('lower-cases valid addresses and rejects others', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('ada@')).toBeNull();
    expect(normalizeEmail('')).toBeNull();
  });
});
