// api-course: the course page (details + outline) among 10,000 published courses. Lyceum's
// GET /api/v1/catalog/courses/:id against a bare Fastify + pg handler running the identical SQL
// statements (recorded from Lyceum's own request), alternating, median of the rounds.
import { runApiBench } from './_api-fixture.js';

await runApiBench('api-course', (fx) => `/api/v1/catalog/courses/${fx.courseIds[7]}`);
