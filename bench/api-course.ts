// api-course: the course page (details + outline) among 10,000 published courses. Lyceum's
// GET /api/v1/catalog/courses/:slug against a bare Fastify + pg handler running the identical SQL
// statements (recorded from Lyceum's own request), alternating, median of the rounds.
import { alternate, median, report, round2 } from './_lib.js';
import { bareServer, createFixture } from './_api-fixture.js';
import { load } from './_load.js';

const TOTAL = Number(process.env.BENCH_COURSES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const fx = await createFixture(TOTAL);
try {
  const path = `/api/v1/catalog/courses/${fx.courseIds[7]}`;
  const statements = await fx.capture(path);
  const bare = await bareServer(fx.pool, statements);
  try {
    await load(fx.oursUrl + path, 2);
    await load(bare.url, 2);
    const r = await alternate(ROUNDS, () => load(fx.oursUrl + path, SECONDS), () => load(bare.url, SECONDS));
    const ours = median(r.ours.map((x) => x.rps));
    const baseline = median(r.baseline.map((x) => x.rps));
    report({
      bench: 'api-course',
      unit: 'req/s',
      ours: Math.round(ours),
      baseline: Math.round(baseline),
      ratio: round2(ours / baseline),
      p95_ms: median(r.ours.map((x) => x.p95)),
      baseline_p95_ms: median(r.baseline.map((x) => x.p95)),
      errors: r.ours.reduce((a, x) => a + x.errors, 0) + r.baseline.reduce((a, x) => a + x.errors, 0),
      courses: TOTAL,
      statements: statements.length,
      aim_ratio: 0.8,
    });
  } finally {
    await bare.close();
  }
} finally {
  await fx.close();
}
