import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'lyceum-config-'));

describe('loadConfig', () => {
  it('stops on a bad value with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: dataDir() })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: dataDir() })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url', DATA_DIR: dataDir() })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ AUTH_SECRET: 'short', DATA_DIR: dataDir() })).toThrow(/AUTH_SECRET/);
    expect(() => loadConfig({ STORAGE_DRIVER: 's3', DATA_DIR: dataDir() })).toThrow(/S3_BUCKET/);
  });

  it('runs embedded without DATABASE_URL and keeps a generated secret across restarts', () => {
    const dir = dataDir();
    const a = loadConfig({ DATA_DIR: dir });
    expect(a.embedded).toBe(true);
    expect(a.PORT).toBe(3000);
    expect(a.publicUrl).toBe('http://localhost:3000');
    expect(a.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dir }).authSecret).toBe(a.authSecret);
    expect(readFileSync(path.join(dir, 'secret'), 'utf8').trim()).toBe(a.authSecret);
  });

  it('uses an external database when DATABASE_URL is set, and requires a shared secret in production', () => {
    const env = { DATABASE_URL: 'postgres://u@db:5432/lyceum', DATA_DIR: dataDir() };
    expect(loadConfig(env).embedded).toBe(false);
    expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).toThrow(/AUTH_SECRET/);
  });
});
