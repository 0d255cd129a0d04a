// video-ladder: a synthetic 1080p30 source (60 s; BENCH_VIDEO_SECONDS shortens it) encoded to the
// full ladder by Lyceum's processing job (download from storage, ffprobe, the ladder with progress
// written to the database, poster + storyboard, upload, publish) and by a bare `ffmpeg` running the
// identical argument list the job builds (`buildLadderArgs`), alternating. Reports the wall-time
// ratio ours / baseline (aim <= 1.05) and the job's realtime factor (source seconds / wall seconds).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { VideoPipeline as Pipeline } from '../apps/server/src/modules/media/video/video-pipeline.js';
import type * as Ladder from '../apps/server/src/modules/media/video/processing/ladder.js';
import type * as Probe from '../apps/server/src/modules/media/video/processing/probe.js';
import { alternate, median, report, round2 } from './_lib.js';

const dist = path.resolve(import.meta.dirname, '../apps/server/dist');
const { startEmbeddedPostgres, migrateDatabase } = await import(path.join(dist, 'kernel/db/index.js'));
const { loadConfig } = await import(path.join(dist, 'kernel/config/index.js'));
const { boot } = await import(path.join(dist, 'runtime.js'));
const { STORAGE } = await import(path.join(dist, 'kernel/storage/index.js'));
const { VideoPipeline } = (await import(path.join(dist, 'modules/media/video/video-pipeline.js'))) as { VideoPipeline: typeof Pipeline };
const { buildLadderArgs, planLadder } = (await import(path.join(dist, 'modules/media/video/processing/ladder.js'))) as typeof Ladder;
const { probeFile } = (await import(path.join(dist, 'modules/media/video/processing/probe.js'))) as typeof Probe;

const seconds = Number(process.env.BENCH_VIDEO_SECONDS ?? 60);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const preset = process.env.VIDEO_X264_PRESET ?? 'veryfast';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-bench-video-'));
chmodSync(dataDir, 0o755);

const source = path.join(dataDir, 'source.mp4');
const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'aac', source]);
if (made.status !== 0) {
  process.stderr.write(`video-ladder: could not make the source: ${made.stderr}\n`);
  process.exit(1);
}

const log = pino({ level: 'warn' });
const embedded = await startEmbeddedPostgres({ dir: path.join(dataDir, 'pg'), log, persistent: false });
const admin = new pg.Client({ connectionString: embedded.url });
await admin.connect();
await admin.query('CREATE DATABASE bench');
await admin.end();
const url = new URL(embedded.url);
url.pathname = '/bench';
const databaseUrl = url.toString();
await migrateDatabase(databaseUrl);
const config = loadConfig({
  NODE_ENV: 'production',
  DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-00',
  LOG_LEVEL: 'warn',
  RUN_WORKERS: 'false',
  SEED_DEMO: 'false',
  VIDEO_X264_PRESET: preset,
});
const rt = await boot({ config, logger: log, listen: false, workers: false, migrate: false, databaseUrl });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });

// what the library does on a finished upload: an asset, its video row, the original in storage
const orgId = uuidv7();
const userId = uuidv7();
const assetId = uuidv7();
const videoId = uuidv7();
const storageKey = `media/${orgId}/${assetId}/original`;
const bytes = readFileSync(source);
await rt.app.get(STORAGE).put(storageKey, bytes, { contentType: 'video/mp4' });
await pool.query(`INSERT INTO media_assets (id, organization_id, kind, filename, title, content_type, size_bytes, storage_key, created_by) VALUES ($1, $2, 'video', 'bench.mp4', 'Bench', 'video/mp4', $3, $4, $5)`, [assetId, orgId, bytes.length, storageKey, userId]);
await pool.query(`INSERT INTO videos (id, organization_id, asset_id, created_by) VALUES ($1, $2, $3, $4)`, [videoId, orgId, assetId, userId]);

const pipeline = rt.app.get(VideoPipeline);
const probe = await probeFile('ffprobe', source);
const bareArgs = (outDir: string) => buildLadderArgs({ input: source, outDir, probe, rungs: planLadder(probe), preset });

let attempt = 0;
const ours = async () => {
  await pool.query(`UPDATE videos SET status = 'uploaded', progress = 0 WHERE id = $1`, [videoId]);
  const t0 = performance.now();
  await pipeline.process(videoId, { jobId: String(++attempt), attempt: 1, maxAttempts: 3 });
  const ms = performance.now() - t0;
  const { rows } = await pool.query<{ status: string }>(`SELECT status FROM videos WHERE id = $1`, [videoId]);
  if (rows[0]!.status !== 'ready') throw new Error(`the job ended ${rows[0]!.status}`);
  return ms;
};
const baseline = async () => {
  const out = path.join(dataDir, `bare-${++attempt}`);
  mkdirSync(out);
  const t0 = performance.now();
  const r = spawnSync('ffmpeg', bareArgs(out), { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bare ffmpeg failed: ${r.stderr}`);
  rmSync(out, { recursive: true, force: true });
  return ms;
};

try {
  const runs = await alternate(rounds, ours, baseline);
  const o = median(runs.ours);
  const b = median(runs.baseline);
  report({
    bench: 'video-ladder',
    unit: 'ms',
    ours: Math.round(o),
    baseline: Math.round(b),
    ratio: round2(o / b),
    realtime_factor: round2((seconds * 1000) / o),
    baseline_realtime_factor: round2((seconds * 1000) / b),
    source_seconds: seconds,
    rungs: planLadder(probe).map((r) => r.name).join(','),
    preset,
    rounds,
  });
} finally {
  await pool.end();
  await rt.close();
  await embedded.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
