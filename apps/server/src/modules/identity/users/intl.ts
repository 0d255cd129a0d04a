import { z } from 'zod';

/**
 * The canonical form of a BCP 47 language tag (`en-us` -> `en-US`), or null when it is not one.
 * The language subtag must be an ISO 639 code (2-3 letters): BCP 47's reserved 5-8 letter form
 * would let words like "english" through.
 */
export function canonicalLocale(tag: string): string | null {
  if (!/^[A-Za-z]{2,3}(-|$)/.test(tag)) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** True for an IANA time zone name the runtime knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const localeSchema = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .refine((v) => canonicalLocale(v) !== null, 'must be a BCP 47 language tag, e.g. en or pt-BR')
  .transform((v) => canonicalLocale(v)!);

export const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Paris');

/** A name people see: no control characters (line breaks would reach mail headers) or bidi overrides. */
export const displayNameSchema = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(/^[^\p{Cc}\u202a-\u202e\u2066-\u2069]*$/u, 'must not contain control or bidi-override characters');
