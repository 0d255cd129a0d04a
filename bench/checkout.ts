// checkout: 50 concurrent buyers of one course through Lyceum's real HTTP checkout (manual
// provider, test card), once racing for a coupon limited to 10 uses (a loser retries without the
// code, as a buyer would) and once, as the baseline, the same 50 buyers without a coupon.
// Alternating rounds, medians. Asserts per round: one order per buyer (none lost, none
// duplicated) and exactly `limit` redemptions; exits non-zero otherwise.
import { startBenchServer } from './_api-fixture.js';
import path from 'node:path';
import pg from 'pg';
import { alternate, median, percentile, report, round2 } from './_lib.js';

const dist = path.resolve(import.meta.dirname, '../apps/server/dist');

const BUYERS = Number(process.env.BENCH_BUYERS ?? 50);
const LIMIT = Number(process.env.BENCH_COUPON_LIMIT ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CARD = '4242 4242 4242 4242';
const ADDRESS = { name: 'Bench Buyer', country: 'US', region: 'NY', line1: '1 Main St', city: 'New York', postalCode: '10001' };

interface Res {
  status: number;
  json: Record<string, unknown>;
}

let base = '';
async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(base + url, {
    method,
    headers: { origin: base, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
async function must(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const r = await api(method, url, body, headers);
  if (r.status >= 400) throw new Error(`${method} ${url} -> ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

const server = await startBenchServer('checkout', { DATABASE_POOL_MAX: '12' });
const { databaseUrl } = server;
base = server.base;
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });

let failed = false;
try {
  const owner = await must('POST', '/api/auth/sign-up/email', { email: 'owner@bench.local', password: 'bench-password-1', name: 'Bench Owner' });
  const auth = { authorization: `Bearer ${owner.token as string}` };
  const org = await must('POST', '/api/v1/organizations', { name: 'Bench Shop', slug: 'bench-shop' }, auth);
  const h = { ...auth, 'x-organization-id': org.id as string };
  const course = await must('POST', '/api/v1/courses', { title: 'Popular course', visibility: 'public', isFree: false }, h);
  const courseId = course.id as string;
  const sec = await must('POST', `/api/v1/courses/${courseId}/sections`, { title: 'Basics' }, h);
  await must('POST', `/api/v1/courses/${courseId}/sections/${sec.id as string}/lessons`, { title: 'Lesson 1', type: 'text', body: { markdown: 'Hello.' } }, h);
  await must('PUT', `/api/v1/courses/${courseId}/pricing`, { prices: [{ currency: 'USD', amountMinor: 4900 }] }, h);
  await must('POST', `/api/v1/courses/${courseId}/publish`, {}, h);

  let buyerN = 0;
  /** BUYERS new accounts with the course in their cart (setup, not timed). */
  async function buyersWithCart(): Promise<{ userId: string; headers: Record<string, string> }[]> {
    const out: { userId: string; headers: Record<string, string> }[] = [];
    for (let i = 0; i < BUYERS; i++) {
      const n = ++buyerN;
      const s = await must('POST', '/api/auth/sign-up/email', { email: `buyer${n}@bench.local`, password: 'bench-password-1', name: `Buyer ${n}` });
      const headers = { authorization: `Bearer ${s.token as string}` };
      await must('POST', '/api/v1/cart/items', { kind: 'course', refId: courseId }, headers);
      out.push({ userId: (s.user as { id: string }).id, headers });
    }
    return out;
  }

  interface Round {
    ordersPerSec: number;
    p95: number;
    orders: number;
    lost: number;
    duplicated: number;
    redemptions: number;
    couponRefusals: number;
  }

  async function round(withCoupon: boolean): Promise<Round> {
    const buyers = await buyersWithCart();
    let code: string | null = null;
    let couponId: string | null = null;
    if (withCoupon) {
      code = `RACE${buyerN}`;
      const c = await must('POST', '/api/v1/coupons', { name: 'Race', code, kind: 'percent', percentBasisPoints: 2000, usageLimit: LIMIT }, h);
      couponId = c.id as string;
    }
    let refusals = 0;
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      buyers.map(async (b, i) => {
        const t0 = performance.now();
        const body = { billingAddress: ADDRESS, paymentMethod: { type: 'manual_card', cardNumber: CARD }, couponCodes: code ? [code] : [] };
        let r = await api('POST', '/api/v1/checkout', body, { ...b.headers, 'idempotency-key': `bench-${buyerN}-${i}-a` });
        if (r.status === 409 && r.json.code === 'coupon_rejected') {
          refusals++;
          r = await api('POST', '/api/v1/checkout', { ...body, couponCodes: [] }, { ...b.headers, 'idempotency-key': `bench-${buyerN}-${i}-b` });
        }
        latencies.push(performance.now() - t0);
        if (r.status !== 201 || r.json.status !== 'paid') throw new Error(`checkout -> ${r.status} ${JSON.stringify(r.json)}`);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const ids = buyers.map((b) => b.userId);
    const perBuyer = (
      await pool.query<{ n: string }>('SELECT count(o.id) n FROM unnest($1::uuid[]) u(id) LEFT JOIN orders o ON o.user_id = u.id AND o.status IN (\'paid\', \'fulfilled\') GROUP BY u.id', [ids])
    ).rows.map((r) => Number(r.n));
    const redemptions = couponId ? Number((await pool.query<{ n: string }>('SELECT count(*) n FROM coupon_redemptions WHERE coupon_id = $1', [couponId])).rows[0]!.n) : 0;
    return {
      ordersPerSec: BUYERS / seconds,
      p95: percentile(latencies, 95),
      orders: perBuyer.reduce((a, n) => a + n, 0),
      lost: perBuyer.filter((n) => n === 0).length,
      duplicated: perBuyer.filter((n) => n > 1).length,
      redemptions,
      couponRefusals: refusals,
    };
  }

  await round(false); // warm-up
  const r = await alternate(ROUNDS, () => round(true), () => round(false));
  const all = [...r.ours, ...r.baseline];
  const lost = all.reduce((a, x) => a + x.lost, 0);
  const duplicated = all.reduce((a, x) => a + x.duplicated, 0);
  const redemptionsExact = r.ours.every((x) => x.redemptions === LIMIT && x.couponRefusals === BUYERS - LIMIT);
  failed = lost > 0 || duplicated > 0 || !redemptionsExact || all.some((x) => x.orders !== BUYERS);
  const ours = median(r.ours.map((x) => x.ordersPerSec));
  const baseline = median(r.baseline.map((x) => x.ordersPerSec));
  report({
    bench: 'checkout',
    unit: 'orders/s',
    buyers: BUYERS,
    coupon_limit: LIMIT,
    rounds: ROUNDS,
    ours: round2(ours),
    baseline: round2(baseline),
    ratio: round2(ours / baseline),
    p95_ms: Math.round(median(r.ours.map((x) => x.p95))),
    baseline_p95_ms: Math.round(median(r.baseline.map((x) => x.p95))),
    orders_per_round: r.ours.map((x) => x.orders),
    lost_orders: lost,
    duplicated_orders: duplicated,
    redemptions_per_round: r.ours.map((x) => x.redemptions),
    redemptions_exactly_limit: redemptionsExact,
    ok: !failed,
  });
} finally {
  await pool.end();
  await server.close();
}
if (failed) process.exit(1);
