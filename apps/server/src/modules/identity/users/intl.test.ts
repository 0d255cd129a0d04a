import { describe, expect, it } from 'vitest';
import { canonicalLocale, isTimeZone, localeSchema } from './intl.js';

describe('locale and time zone validation', () => {
  it('canonicalises BCP 47 tags and rejects others', () => {
    expect(canonicalLocale('en')).toBe('en');
    expect(canonicalLocale('pt-br')).toBe('pt-BR');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLocale('english')).toBe(null);
    expect(canonicalLocale('en_US')).toBe(null);
    expect(localeSchema.safeParse('EN-gb').data).toBe('en-GB');
    expect(localeSchema.safeParse('x').success).toBe(false);
  });

  it('accepts IANA zones only', () => {
    for (const z of ['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5']) expect(isTimeZone(z), z).toBe(true);
    for (const z of ['', 'Mars/Olympus', 'Europe/Paris; DROP TABLE', '+05:00', '../etc']) expect(isTimeZone(z), z).toBe(false);
  });
});
