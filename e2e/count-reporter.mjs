// node:test reporter that counts passed and failed tests (not suites) and writes
// { "passed": N, "failed": M } to $E2E_JSON_OUT when it is set.
import { writeFileSync } from 'node:fs';

export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.type === 'test:pass') passed++;
    else failed++;
  }
  if (process.env.E2E_JSON_OUT) writeFileSync(process.env.E2E_JSON_OUT, JSON.stringify({ passed, failed }) + '\n');
  yield `e2e: ${passed} passed, ${failed} failed\n`;
}
