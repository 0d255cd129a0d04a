import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, JobRegistry } from './registry.js';

const a = defineJob('test.a', z.object({ n: z.number() }));
const b = defineJob('test.b', z.object({}));

describe('JobRegistry', () => {
  it('fails the boot when a declared job has no handler', () => {
    const r = new JobRegistry();
    r.declare(a);
    expect(() => r.seal()).toThrow(/test\.a/);
  });

  it('refuses a second handler for one job', () => {
    const r = new JobRegistry();
    r.handle(a, async () => undefined);
    expect(() => r.handle(a, async () => undefined)).toThrow(/two handlers/);
  });

  it('refuses a cron whose job has no handler', () => {
    const r = new JobRegistry();
    r.cron(b, '0 3 * * *');
    expect(() => r.seal()).toThrow(/test\.b/);
  });

  it('after boot accepts a job with its handler, but no bare declaration or cron', () => {
    const r = new JobRegistry();
    r.handle(a, async () => undefined);
    r.seal();
    expect(() => r.declare(b)).toThrow(/after boot/);
    expect(() => r.cron(a, '* * * * *')).toThrow(/after boot/);
    r.handle(b, async () => undefined);
    expect(r.names()).toEqual(['test.a', 'test.b']);
  });
});
