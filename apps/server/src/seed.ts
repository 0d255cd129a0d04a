import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { appMeta, DB, type Database } from './kernel/db/index.js';
import { AuthService, OrganizationsService } from './modules/identity/index.js';
import { DEMO_VIDEO_COURSE_SLUG, seedVideoCourse } from './modules/media/video/playback/index.js';

export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@lyceum.local', password: 'lyceum-admin-2026', name: 'Ada Admin' },
  instructor: { email: 'instructor@lyceum.local', password: 'lyceum-instructor-2026', name: 'Ines Instructor' },
  learner: { email: 'learner@lyceum.local', password: 'lyceum-learner-2026', name: 'Leo Learner' },
} as const;

const MARKER = 'demo_seeded';

type Inject = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Demo data, created through the public HTTP API (so it passes the same validation and events as a
 * person's clicks): a platform admin who owns "Lyceum Academy", an instructor with a published
 * course, and a learner. Runs once per database unless forced; every step skips what exists.
 */
export async function seedDemo(app: NestFastifyApplication, opts: { force?: boolean; log?: Logger } = {}): Promise<boolean> {
  const db = app.get<symbol, Database>(DB);
  const [done] = await db.select().from(appMeta).where(eq(appMeta.key, MARKER));
  if (done && !opts.force) return false;

  const call: Inject = async (method, url, body, headers = {}) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
  };
  const must = async (method: string, url: string, body?: unknown, headers?: Record<string, string>) => {
    const r = await call(method, url, body, headers);
    if (r.status >= 400) throw new Error(`seed: ${method} ${url} -> ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const account = async (a: { email: string; password: string; name: string }) => {
    let r = await call('POST', '/api/auth/sign-in/email', { email: a.email, password: a.password });
    if (r.status !== 200) r = await call('POST', '/api/auth/sign-up/email', a);
    if (r.status !== 200) throw new Error(`seed: cannot create ${a.email}: ${JSON.stringify(r.json)}`);
    return { id: r.json.user.id as string, auth: { authorization: `Bearer ${r.json.token as string}` } };
  };

  const admin = await account(DEMO_ACCOUNTS.admin);
  const instructor = await account(DEMO_ACCOUNTS.instructor);
  const learner = await account(DEMO_ACCOUNTS.learner);

  // Platform role and verified emails through better-auth's own server-side adapter.
  const ctx = await app.get(AuthService).auth.$context;
  await ctx.internalAdapter.updateUser(admin.id, { role: 'admin', emailVerified: true });
  await ctx.internalAdapter.updateUser(instructor.id, { emailVerified: true });
  await ctx.internalAdapter.updateUser(learner.id, { emailVerified: true });

  const mine = await must('GET', '/api/v1/me/organizations', undefined, admin.auth);
  let org = (mine.items as { id: string; slug: string }[]).find((o) => o.slug === 'lyceum-academy');
  if (!org) org = await must('POST', '/api/v1/organizations', { name: 'Lyceum Academy', slug: 'lyceum-academy' }, admin.auth);
  const orgId = org!.id;
  const orgs = app.get(OrganizationsService);
  for (const [user, role] of [
    [instructor.id, 'instructor'],
    [learner.id, 'learner'],
  ] as const) {
    await orgs.addMember(db, { organizationId: orgId, userId: user, role, via: 'admin' }).catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'already_member') throw err;
    });
    await orgs.setActive(db, user, orgId);
  }

  const h = { ...instructor.auth, 'x-organization-id': orgId };
  const existing = await must('GET', '/api/v1/courses?limit=100', undefined, h);
  if (!(existing.items as { slug: string }[]).some((c) => c.slug === 'learn-to-learn')) {
    const course = await must('POST', '/api/v1/courses', {
      title: 'Learn to Learn',
      slug: 'learn-to-learn',
      subtitle: 'Study techniques that work, in five short lessons',
      description:
        'A short, practical course on **how to learn**: spaced repetition, retrieval practice, interleaving and focus.\n\n' +
        'Each lesson takes a few minutes. Mark it complete when you are done.',
      language: 'en',
      level: 'beginner',
      category: 'Personal development',
      tags: ['study skills', 'memory', 'productivity'],
      visibility: 'public',
      isFree: true,
    }, h);
    const sections: [string, [string, string, boolean][]][] = [
      ['Foundations', [
        ['Why cramming fails', 'Cramming fills short-term memory. A week later most of it is gone.\n\n**Try this:** write down three things you learned last week without looking.', true],
        ['Spaced repetition', 'Review just before you would forget: after 1 day, 3 days, a week, a month.\n\nEach review makes the memory last longer.', false],
      ]],
      ['Techniques', [
        ['Retrieval practice', 'Close the book and recall. Testing yourself beats re-reading.\n\n- Flashcards\n- Blank-page summaries\n- Teaching a friend', false],
        ['Interleaving', 'Mix problem types within one session instead of doing one type at a time.', false],
        ['Protecting focus', 'Work in 25-minute blocks with the phone in another room. Take real breaks.', false],
      ]],
    ];
    for (const [title, lessons] of sections) {
      const sec = await must('POST', `/api/v1/courses/${course.id}/sections`, { title }, h);
      for (const [lt, md, preview] of lessons) {
        await must('POST', `/api/v1/courses/${course.id}/sections/${sec.id}/lessons`, { title: lt, type: 'text', body: { markdown: md }, isPreview: preview }, h);
      }
    }
    await must('POST', `/api/v1/courses/${course.id}/publish`, {}, h);
  }
  if (!(existing.items as { slug: string }[]).some((c) => c.slug === 'python-warm-ups')) await seedCodeCourse(must, h);
  if (!(existing.items as { slug: string }[]).some((c) => c.slug === 'small-group-seminar')) await seedGrowth(must, h, { ...learner.auth, 'x-organization-id': orgId });
  if (!(existing.items as { slug: string }[]).some((c) => c.slug === DEMO_VIDEO_COURSE_SLUG)) {
    await seedVideoCourse(app, must, { headers: h, userId: instructor.id, orgId }, { ...learner.auth, 'x-organization-id': orgId }, opts.log);
  }
  await seedBillingPlans(must, { ...admin.auth, 'x-organization-id': orgId });
  if (!(existing.items as { slug: string }[]).some((c) => c.slug === 'memory-palace')) await seedShop(must, h, { ...admin.auth, 'x-organization-id': orgId });

  await db
    .insert(appMeta)
    .values({ key: MARKER, value: { at: new Date().toISOString(), organizationId: orgId } })
    .onConflictDoUpdate({ target: appMeta.key, set: { value: { at: new Date().toISOString(), organizationId: orgId }, updatedAt: new Date() } });
  opts.log?.info(
    `demo data ready: ${Object.values(DEMO_ACCOUNTS)
      .map((a) => `${a.email} / ${a.password}`)
      .join(', ')}`,
  );
  return true;
}

type Must = (method: string, url: string, body: unknown, headers: Record<string, string>) => Promise<unknown>;
const idOf = (created: unknown) => (created as { id: string }).id;

/**
 * A second demo course with code exercises, in the first of Python or JavaScript that this server
 * can run (none when neither is installed: the course is then left out).
 */
async function seedCodeCourse(must: Must, h: Record<string, string>): Promise<void> {
  const status = (await must('GET', '/api/v1/code-runner', undefined, h)) as { languages: { id: string }[] };
  const language = ['python', 'javascript'].find((l) => status.languages.some((x) => x.id === l));
  if (!language) return;
  const py = language === 'python';
  const courseId = idOf(await must('POST', '/api/v1/courses', {
    title: py ? 'Python Warm-ups' : 'JavaScript Warm-ups',
    slug: 'python-warm-ups',
    subtitle: 'Small programs, checked by automatic tests',
    description: 'Write short programs that read from standard input and print to standard output. Each exercise is checked by tests you can see and a few you cannot.',
    language: 'en',
    level: 'beginner',
    category: 'Programming',
    tags: ['programming', 'exercises'],
    visibility: 'public',
    isFree: true,
  }, h));
  const sectionId = idOf(await must('POST', `/api/v1/courses/${courseId}/sections`, { title: 'Warm-ups' }, h));
  await must('POST', `/api/v1/courses/${courseId}/sections/${sectionId}/lessons`, {
    title: 'How code exercises work',
    type: 'text',
    isPreview: true,
    body: { markdown: 'Write your program in the editor. **Run the examples** checks it against the visible tests; **Submit** also runs hidden tests. A submission that passes every test completes the lesson.' },
  }, h);
  const exercises = [
    {
      title: 'Sum of two numbers',
      instructions: 'Read two integers from one line and print their sum.',
      starter: py ? 'a, b = map(int, input().split())\n' : 'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/).map(Number);\n',
      tests: [
        { name: 'small numbers', stdin: '2 3\n', expectedStdout: '5\n' },
        { name: 'negative numbers', stdin: '-7 4\n', expectedStdout: '-3\n' },
        { name: 'large numbers', stdin: '123456789 987654321\n', expectedStdout: '1111111110\n', hidden: true, points: 2 },
      ],
    },
    {
      title: 'FizzBuzz',
      instructions: 'Read **n** and print the numbers 1 to n, one per line, but print `Fizz` for multiples of 3, `Buzz` for multiples of 5 and `FizzBuzz` for multiples of both.',
      starter: py ? 'n = int(input())\n' : 'const n = Number(require("fs").readFileSync(0, "utf8"));\n',
      tests: [
        { name: 'up to 5', stdin: '5\n', expectedStdout: '1\n2\nFizz\n4\nBuzz\n' },
        { name: 'up to 15', stdin: '15\n', expectedStdout: '1\n2\nFizz\n4\nBuzz\nFizz\n7\n8\nFizz\nBuzz\n11\nFizz\n13\n14\nFizzBuzz\n', hidden: true, points: 2 },
      ],
    },
  ];
  for (const ex of exercises) {
    const lessonId = idOf(await must('POST', `/api/v1/courses/${courseId}/sections/${sectionId}/lessons`, { title: ex.title, type: 'code' }, h));
    await must('PUT', `/api/v1/courses/${courseId}/lessons/${lessonId}/code-exercise`, {
      language,
      instructions: ex.instructions,
      starterCode: ex.starter,
      tests: ex.tests,
    }, h);
  }
  await must('POST', `/api/v1/courses/${courseId}/publish`, {}, h);
}

/**
 * Growth demo: "Small-Group Seminar" with one seat, taken by the demo learner (so it shows its
 * waitlist), and the learner's referral link.
 */
async function seedGrowth(must: Must, h: Record<string, string>, learnerH: Record<string, string>): Promise<void> {
  const course = idOf(
    await must('POST', '/api/v1/courses', { title: 'Small-Group Seminar', slug: 'small-group-seminar', subtitle: 'One seat, a waitlist', visibility: 'public', isFree: true }, h),
  );
  const sec = idOf(await must('POST', `/api/v1/courses/${course}/sections`, { title: 'Seminar' }, h));
  await must('POST', `/api/v1/courses/${course}/sections/${sec}/lessons`, { title: 'Reading list', type: 'text', body: { markdown: 'Read before the first session.' } }, h);
  await must('POST', `/api/v1/courses/${course}/publish`, {}, h);
  await must('PUT', `/api/v1/courses/${course}/capacity`, { capacity: 1, claimWindowHours: 48 }, h);
  await must('POST', `/api/v1/courses/${course}/enroll`, {}, learnerH);
  await must('POST', '/api/v1/affiliate/me', {}, learnerH);
}

/** Demo subscription plans: "All access" (the whole catalog, monthly) and its yearly twin. */
async function seedBillingPlans(must: Must, h: Record<string, string>): Promise<void> {
  const have = ((await must('GET', '/api/v1/billing/plans?limit=100', undefined, h)) as { items: { name: string }[] }).items.map((p) => p.name);
  const plans = [
    { name: 'All access', description: 'Every course of Lyceum Academy, billed monthly.', interval: 'month', prices: [{ currency: 'USD', amountMinor: 1900 }, { currency: 'EUR', amountMinor: 1700 }] },
    { name: 'All access yearly', description: 'Every course of Lyceum Academy, billed yearly: two months free.', interval: 'year', prices: [{ currency: 'USD', amountMinor: 19000 }, { currency: 'EUR', amountMinor: 17000 }] },
  ];
  for (const p of plans) if (!have.includes(p.name)) await must('POST', '/api/v1/billing/plans', { ...p, scope: 'catalog' }, h);
}

/**
 * The demo shop: two paid courses (USD and EUR prices), a US sales tax, and the WELCOME10 coupon
 * (10% off), so the cart, checkout and order history show in `npm start`.
 */
async function seedShop(must: Must, h: Record<string, string>, ha: Record<string, string>): Promise<void> {
  const paid: [string, string, string, number, number][] = [
    ['Memory Palace Masterclass', 'memory-palace', 'Remember long lists with the method of loci', 2900, 2700],
    ['Speed Reading Basics', 'speed-reading', 'Read faster without losing what matters', 1900, 1800],
  ];
  for (const [title, slug, subtitle, usd, eur] of paid) {
    const courseId = idOf(
      await must('POST', '/api/v1/courses', { title, slug, subtitle, description: `${subtitle}.`, language: 'en', level: 'beginner', category: 'Personal development', visibility: 'public', isFree: false }, h),
    );
    const sectionId = idOf(await must('POST', `/api/v1/courses/${courseId}/sections`, { title: 'Start here' }, h));
    for (const [lt, md] of [
      ['Welcome', `Welcome to ${title}. This first lesson is free to preview.`],
      ['The method', 'Practise a little every day; the exercises build on each other.'],
    ] as const) {
      await must('POST', `/api/v1/courses/${courseId}/sections/${sectionId}/lessons`, { title: lt, type: 'text', body: { markdown: md }, isPreview: lt === 'Welcome' }, h);
    }
    await must('POST', `/api/v1/courses/${courseId}/publish`, {}, h);
    await must('PUT', `/api/v1/courses/${courseId}/pricing`, { prices: [{ currency: 'USD', amountMinor: usd }, { currency: 'EUR', amountMinor: eur }] }, h);
  }
  await must('POST', '/api/v1/tax-rates', { country: 'US', label: 'Sales tax', rateBasisPoints: 800 }, ha);
  await must('POST', '/api/v1/tax-rates', { country: 'DE', label: 'MwSt', rateBasisPoints: 1900, inclusive: true }, ha);
  await must('POST', '/api/v1/coupons', { code: 'WELCOME10', name: 'Welcome: 10% off', kind: 'percent', percentBasisPoints: 1000 }, ha);
}
