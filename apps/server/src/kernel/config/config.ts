import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Every environment variable Lyceum reads. README's table is written from this list;
 * keep the two in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('.lyceum'),
  DATABASE_URL: z.url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  REDIS_URL: z.url().optional(),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CORS_ORIGINS: csv.default([]),
  TRUST_PROXY: bool.default(false),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  LOGIN_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  RUN_WORKERS: bool.default(true),
  SEED_DEMO: bool.default(true),
  SMTP_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3).default('Lyceum <no-reply@lyceum.local>'),
  STORAGE_DRIVER: z.enum(['local', 's3']).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
  /** the largest file a tus upload into the media library may declare (default 20 GB) */
  MEDIA_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 ** 3),
  /** an organization's media library quota when its media_quotas row sets none (default 100 GB) */
  MEDIA_QUOTA_BYTES: z.coerce.number().int().min(0).default(100 * 1024 ** 3),
  SIGNED_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(86400).default(900),
  WEB_DIST: z.string().optional(),
  /** code exercises run at once per process (default: the number of cores) */
  CODE_RUNNER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** runs and submissions a user may start per minute */
  CODE_RUNNER_RUNS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  /** first uid of the unprivileged users that sandboxes run as when Lyceum runs as root */
  CODE_RUNNER_UID_BASE: z.coerce.number().int().min(1000).max(4_000_000_000).default(61000),
  /** concurrent live playback sessions per user */
  PLAYBACK_MAX_STREAMS: z.coerce.number().int().min(1).max(100).default(2),
  /** a playback session without a heartbeat for this long is stale and stops counting */
  PLAYBACK_SESSION_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  /** lifetime of a stream URL token (renewed by every heartbeat) */
  PLAYBACK_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  /** the request header the CDN/proxy puts the viewer's ISO country code in */
  GEO_COUNTRY_HEADER: z.string().min(1).default('cf-ipcountry'),
  /** billing: days after a failed renewal at which the charge is retried (the last failure ends the subscription) */
  BILLING_RETRY_DAYS: z.string().regex(/^\d+(,\d+)*$/, 'comma-separated days, e.g. 1,3,5').default('1,3,5').transform((v) => v.split(',').map(Number)),
  /** billing: days a past-due subscriber keeps access before it is suspended (restored by a successful retry) */
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(2),
  /** commerce: minutes after which an unpaid order that never reached the payment provider is canceled (its coupon uses given back) */
  ORDER_PENDING_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  /** billing test clocks (simulated time for subscriptions); default: on unless NODE_ENV=production */
  BILLING_TEST_CLOCKS: bool.optional(),
  /** the ffmpeg / ffprobe binaries for video processing (default: `ffmpeg` / `ffprobe` on PATH) */
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
  /** libx264 preset of the video ladder (tests use ultrafast) */
  VIDEO_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  /** Stripe secret API key (sk_test_… / sk_live_…); the Stripe provider exists only when set */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** signing secret of the webhook endpoint (whsec_…), for POST /api/v1/payments/stripe/webhook */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** another Stripe API base URL (e.g. stripe-mock); default Stripe's own */
  STRIPE_API_URL: z.url().optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface AppConfig extends Env {
  /** true when no DATABASE_URL is given and Lyceum runs its own PostgreSQL */
  embedded: boolean;
  dataDir: string;
  publicUrl: string;
  authSecret: string;
  storageDriver: 'local' | 's3';
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the secret kept under the data dir, creating it on first run (embedded and dev only). */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings count as unset, as in most twelve-factor tools.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.DATA_DIR);
  const problems: string[] = [];
  const storageDriver = env.STORAGE_DRIVER ?? (env.S3_BUCKET ? 's3' : 'local');
  if (storageDriver === 's3' && !env.S3_BUCKET) problems.push('S3_BUCKET: required when STORAGE_DRIVER=s3');
  if (env.NODE_ENV === 'production' && env.DATABASE_URL && !env.AUTH_SECRET) {
    problems.push('AUTH_SECRET: required in production with an external DATABASE_URL (shared by every node)');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    ...env,
    embedded: !env.DATABASE_URL,
    dataDir,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    authSecret: env.AUTH_SECRET ?? persistentSecret(dataDir),
    storageDriver,
  };
}
