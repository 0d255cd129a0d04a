// segment-serve: GETs of a 2 MB CMAF segment through Lyceum's signed stream route
// (/api/v1/stream/<token>/…: token HMAC, live-session lookup, storage head + stream) against
// @fastify/static serving the same file from disk, alternating rounds, median req/s and MB/s.
import { startBenchServer } from './_api-fixture.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { alternate, freePort, median, report, round2 } from './_lib.js';
import { load } from './_load.js';

const dist = path.resolve(import.meta.dirname, '../apps/server/dist');
const { DB } = await import(path.join(dist, 'kernel/db/index.js'));
const { STORAGE } = await import(path.join(dist, 'kernel/storage/index.js'));
const { createReadyVideo } = await import(path.join(dist, 'modules/media/video/playback/demo-video.js'));

const SEGMENT_BYTES = 2 * 1024 * 1024;
const ROUNDS = 4;
const SECONDS = 5;
const CONNECTIONS = 8;

async function api(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { origin: base, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const server = await startBenchServer('segments', {
  // no heartbeats during the load: keep the session and its token valid for the whole run
  PLAYBACK_SESSION_TTL_SECONDS: '3600',
  PLAYBACK_TOKEN_TTL_SECONDS: '3600',
});
const { dataDir, databaseUrl, rt, base } = server;

// a course with a video lesson, a ready video, and one more 2 MB segment in its output
const owner = await api(base, 'POST', '/api/auth/sign-up/email', { email: 'bench@lyceum.local', password: 'bench-password-1', name: 'Bench Instructor' });
const auth = { authorization: `Bearer ${owner.token}` };
const org = await api(base, 'POST', '/api/v1/organizations', { name: 'Bench Academy', slug: 'bench-academy' }, auth);
const h = { ...auth, 'x-organization-id': org.id };
const course = await api(base, 'POST', '/api/v1/courses', { title: 'Segments', visibility: 'public', isFree: true }, h);
const sec = await api(base, 'POST', `/api/v1/courses/${course.id}/sections`, { title: 'Videos' }, h);
const lesson = await api(base, 'POST', `/api/v1/courses/${course.id}/sections/${sec.id}/lessons`, { title: 'Video', type: 'video' }, h);
await api(base, 'POST', `/api/v1/courses/${course.id}/publish`, {}, h);
const video = await createReadyVideo(rt.app.get(DB), rt.app.get(STORAGE), { organizationId: org.id, courseId: course.id, lessonId: lesson.id, createdBy: owner.user.id, captions: false });
const bytes = randomBytes(SEGMENT_BYTES);
await rt.app.get(STORAGE).put(`${video.prefix}chunk-stream0-99999.m4s`, bytes, { contentType: 'video/iso.segment' });
const start = await api(base, 'POST', `/api/v1/lessons/${lesson.id}/playback`, undefined, h);
const oursUrl = base + start.stream.hls.replace('master.m3u8', 'chunk-stream0-99999.m4s');

// the baseline: @fastify/static on the same bytes
const staticDir = path.join(dataDir, 'static');
mkdirSync(staticDir);
writeFileSync(path.join(staticDir, 'chunk-stream0-99999.m4s'), bytes);
const bare = Fastify({ logger: false });
await bare.register(fastifyStatic, { root: staticDir, prefix: '/seg/', immutable: true, maxAge: '365d' });
const barePort = await freePort();
await bare.listen({ port: barePort, host: '127.0.0.1' });
const baselineUrl = `http://127.0.0.1:${barePort}/seg/chunk-stream0-99999.m4s`;

for (const url of [oursUrl, baselineUrl]) {
  const r = await fetch(url);
  const got = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200 || !got.equals(bytes)) throw new Error(`${url}: ${r.status}, ${got.length} bytes`);
}
await load(oursUrl, 1, CONNECTIONS); // warm-up
await load(baselineUrl, 1, CONNECTIONS);

const runs = await alternate(ROUNDS, () => load(oursUrl, SECONDS, CONNECTIONS), () => load(baselineUrl, SECONDS, CONNECTIONS));
const errors = [...runs.ours, ...runs.baseline].reduce((n, r) => n + r.errors, 0);
const ours = median(runs.ours.map((r) => r.rps));
const baseline = median(runs.baseline.map((r) => r.rps));
const mb = SEGMENT_BYTES / (1024 * 1024);
report({
  bench: 'segment-serve',
  unit: 'req/s',
  ours: round2(ours),
  baseline: round2(baseline),
  ratio: round2(ours / baseline),
  ours_mb_s: round2(ours * mb),
  baseline_mb_s: round2(baseline * mb),
  ours_p95_ms: median(runs.ours.map((r) => r.p95)),
  baseline_p95_ms: median(runs.baseline.map((r) => r.p95)),
  segment_bytes: SEGMENT_BYTES,
  connections: CONNECTIONS,
  errors,
});

await bare.close();
await server.close();
