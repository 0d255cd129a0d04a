// api-catalog: a catalog page of 20 courses out of 10,000 published ones. Lyceum's
// GET /api/v1/catalog/courses against a bare Fastify + pg handler running the identical SQL
// statements (recorded from Lyceum's own request), alternating, median of the rounds.
import { runApiBench } from './_api-fixture.js';

await runApiBench('api-catalog', () => '/api/v1/catalog/courses?limit=20');
