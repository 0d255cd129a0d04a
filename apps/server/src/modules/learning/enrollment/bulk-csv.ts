import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { Invalid, zodFieldErrors } from '../../../kernel/errors/index.js';
import { BulkEnrollJson } from './enrollment.dto.js';

export const MAX_BULK_ROWS = 5000;

export interface CsvEmailRow {
  /** the 1-based line of the file the record starts on */
  row: number;
  /** as written, trimmed */
  email: string;
}

const HEADER_RE = /^e-?mail(\s*address)?$/i;

/**
 * Reads the emails of a learner CSV: one per record, from the column headed `email` when the
 * first record is a header, else from the first cell holding an `@` (or the first cell).
 * Empty lines are skipped; a malformed file is refused as a whole.
 */
export function parseEmailCsv(text: string): CsvEmailRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof records;
  } catch (err) {
    if (err instanceof CsvError) {
      throw new Invalid(`The CSV could not be read: ${err.message}`, [{ field: 'body.csv', message: err.message }], 'invalid_csv');
    }
    throw err;
  }
  records = records.filter((r) => r.record.some((c) => c !== ''));
  let column: number | null = null;
  const first = records[0];
  if (first) {
    const idx = first.record.findIndex((c) => HEADER_RE.test(c));
    if (idx >= 0) {
      column = idx;
      records = records.slice(1);
    }
  }
  if (records.length === 0) throw new Invalid('The CSV holds no email addresses.', [{ field: 'body.csv', message: 'no rows' }], 'empty_csv');
  if (records.length > MAX_BULK_ROWS) {
    throw new Invalid(`The CSV holds ${records.length} rows; send at most ${MAX_BULK_ROWS} per request.`, [{ field: 'body.csv', message: 'too many rows' }], 'too_many_rows');
  }
  return records.map(({ record, info }) => {
    const cell = column !== null ? record[column] : (record.find((c) => c.includes('@')) ?? record[0]);
    // csv-parse reports the line where the record ends; a record spans one line unless quoted newlines.
    return { row: info.lines, email: (cell ?? '').trim() };
  });
}

const emailSchema = z.email();

/** Lower-cased address when valid, else null. */
export function normalizeEmail(raw: string): string | null {
  const e = raw.trim().toLowerCase();
  return e.length <= 320 && emailSchema.safeParse(e).success ? e : null;
}

/**
 * The body of the CSV endpoints: `text/csv` (options in the query) or JSON `{ csv, expiresAt?,
 * cohortId? }`. Throws 400 problem+json for a bad shape or an unreadable file.
 */
export function readCsvRequest(
  query: { expiresAt?: string; cohortId?: string },
  body: unknown,
): { rows: CsvEmailRow[]; opts: { expiresAt?: string | null; cohortId?: string | null } } {
  if (typeof body === 'string') return { rows: parseEmailCsv(body), opts: { expiresAt: query.expiresAt, cohortId: query.cohortId } };
  const parsed = BulkEnrollJson.safeParse(body ?? {});
  if (!parsed.success) {
    throw new Invalid('The request did not pass validation; see `errors` for each field.', zodFieldErrors(parsed.error, 'body'), 'validation_failed');
  }
  return {
    rows: parseEmailCsv(parsed.data.csv),
    opts: { expiresAt: parsed.data.expiresAt ?? query.expiresAt, cohortId: parsed.data.cohortId ?? query.cohortId },
  };
}
