import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test/harness.js';

/**
 * The kernel issue's "done when", end to end through the HTTP API: an instructor builds and
 * publishes a course; a new learner finds it by searching, enrolls, completes every lesson and
 * reaches 100%, and the course.completed event is handled by a job.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('first journey', () => {
  it('instructor publishes, learner searches, enrolls and completes', async () => {
    const instructor = await t.signUp('ines@academy.test', { name: 'Ines' });
    const org = await t.http('POST', '/api/v1/organizations', { as: instructor, body: { name: 'Night School' } });
    expect(org.status).toBe(201);
    const h = { 'x-organization-id': org.body.id };

    const course = await t.http('POST', '/api/v1/courses', {
      as: instructor,
      headers: h,
      body: { title: 'Astronomy for Beginners', subtitle: 'Planets, stars and galaxies', description: 'Look up at the **night sky**.', level: 'beginner', category: 'Science', tags: ['space'], visibility: 'public', isFree: true },
    });
    expect(course.status).toBe(201);
    const cid = course.body.id as string;
    for (const [title, lessons] of [
      ['The solar system', ['The Sun', 'Inner planets']],
      ['Beyond', ['Stars', 'Galaxies']],
    ] as const) {
      const sec = await t.http('POST', `/api/v1/courses/${cid}/sections`, { as: instructor, headers: h, body: { title } });
      expect(sec.status).toBe(201);
      for (const lt of lessons) {
        const l = await t.http('POST', `/api/v1/courses/${cid}/sections/${sec.body.id}/lessons`, { as: instructor, headers: h, body: { title: lt, type: 'text', body: { markdown: `About ${lt}.` } } });
        expect(l.status).toBe(201);
      }
    }
    const published = await t.http('POST', `/api/v1/courses/${cid}/publish`, { as: instructor, headers: h, body: {} });
    expect(published.status).toBeLessThan(300);

    const learner = await t.signUp('leo@mail.test', { name: 'Leo' });
    const found = await t.http('GET', '/api/v1/catalog/courses?q=astronomy', { as: learner });
    expect(found.status).toBe(200);
    expect(found.body.items.map((c: { id: string }) => c.id)).toContain(cid);

    const enrolled = await t.http('POST', `/api/v1/courses/${cid}/enroll`, { as: learner, body: {} });
    expect(enrolled.status).toBe(201);

    const outline = await t.http('GET', `/api/v1/me/courses/${cid}/outline`, { as: learner });
    expect(outline.status).toBe(200);
    const lessonIds = (outline.body.sections as { lessons: { id: string }[] }[]).flatMap((s) => s.lessons.map((l) => l.id));
    expect(lessonIds).toHaveLength(4);
    for (const id of lessonIds) {
      const content = await t.http('GET', `/api/v1/me/courses/${cid}/lessons/${id}`, { as: learner });
      expect(content.status).toBe(200);
      const done = await t.http('POST', `/api/v1/me/courses/${cid}/lessons/${id}/complete`, { as: learner, body: {} });
      expect(done.status).toBeLessThan(300);
    }
    const mine = await t.http('GET', '/api/v1/me/enrollments', { as: learner });
    const entry = (mine.body.items as { course: { id: string }; progress: { percent: number }; enrollment: { status: string } }[]).find(
      (e) => e.course.id === cid,
    );
    expect(entry?.progress.percent).toBe(100);
    expect(entry?.enrollment.status).toBe('completed');

    await t.drain();
    // course.completed was handled by its job: the learner got the congratulations email...
    expect(t.mails('leo@mail.test').map((m) => m.subject)).toContain('You completed "Astronomy for Beginners"');
    // ...and enrollment.created by its job: the course page counts the learner.
    const page = await t.http('GET', `/api/v1/catalog/courses/${cid}`);
    expect(page.body.learnerCount).toBe(1);
    const jobsLeft = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`);
    expect(jobsLeft[0]!.n).toBe(0);
  });

  it('documents every step in /api/docs', async () => {
    const doc = (await t.http('GET', '/api/openapi.json')).body as { paths: Record<string, unknown> };
    for (const p of [
      '/api/auth/sign-up/email',
      '/api/auth/sign-in/email',
      '/api/v1/organizations',
      '/api/v1/courses',
      '/api/v1/courses/{id}/sections',
      '/api/v1/courses/{id}/publish',
      '/api/v1/catalog/courses',
      '/api/v1/courses/{courseId}/enroll',
      '/api/v1/me/courses/{courseId}/lessons/{lessonId}/complete',
    ]) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
  });
});
