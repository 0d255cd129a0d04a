import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot } from './browser.js';

/**
 * A journey's `step`: a node:test case that, when it fails, saves a screenshot of the journey's
 * page(s) to e2e/artifacts/FAILED-[<prefix>-][<n>-]<step>.png. `pages()` is read at failure time,
 * so a journey may switch pages between steps.
 */
export function stepper(pages: () => Page | (Page | undefined)[] | undefined, prefix = '') {
  return (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      try {
        await fn();
      } catch (err) {
        const current = pages();
        const list = Array.isArray(current) ? current : [current];
        const slug = name.replace(/[^a-z0-9]+/gi, '-');
        for (const [i, p] of list.entries()) {
          if (p) await screenshot(p, `FAILED-${prefix ? `${prefix}-` : ''}${i ? `${i + 1}-` : ''}${slug}`).catch(() => undefined);
        }
        throw err;
      }
    });
}

/** Signs in through the sign-in form (the caller waits for whatever shows it worked). */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
