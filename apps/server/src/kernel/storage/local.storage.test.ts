import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from './http-range.js';
import { LocalStorage } from './local.storage.js';
import { InvalidStorageKey, RangeNotSatisfiable, storageKeyProblem } from './storage.port.js';

let dir: string;
let storage: LocalStorage;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-local-storage-'));
  storage = new LocalStorage(path.join(dir, 'files'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('LocalStorage', () => {
  it('puts a stream and a buffer, returning size and sha256, and reads them back', async () => {
    const data = Buffer.from('0123456789abcdefghij'.repeat(1000));
    const res = await storage.put('org/a/doc.txt', Readable.from([data.subarray(0, 7000), data.subarray(7000)]), { contentType: 'text/plain' });
    expect(res).toEqual({ key: 'org/a/doc.txt', size: data.length, sha256: sha(data), contentType: 'text/plain' });

    const got = await storage.get('org/a/doc.txt');
    expect(got).not.toBeNull();
    expect(got!.contentType).toBe('text/plain');
    expect(got!.sha256).toBe(sha(data));
    expect(got!.range).toBeNull();
    expect((await buffer(got!.body)).equals(data)).toBe(true);

    const small = await storage.put('org/a/b.bin', Buffer.from([1, 2, 3]));
    expect(small.size).toBe(3);
    expect(small.contentType).toBe('application/octet-stream');
    const head = await storage.head('org/a/b.bin');
    expect(head).toMatchObject({ size: 3, sha256: sha(Buffer.from([1, 2, 3])), contentType: 'application/octet-stream' });
    expect(head!.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('reads a byte range', async () => {
    await storage.put('r/range.bin', Buffer.from('abcdefghijklmnopqrstuvwxyz'));
    const got = await storage.get('r/range.bin', { range: { start: 2, end: 5 } });
    expect(got!.size).toBe(26);
    expect(got!.range).toEqual({ start: 2, end: 5 });
    expect((await buffer(got!.body)).toString()).toBe('cdef');
    const tail = await storage.get('r/range.bin', { range: { start: 25, end: 25 } });
    expect((await buffer(tail!.body)).toString()).toBe('z');
    await expect(storage.get('r/range.bin', { range: { start: 20, end: 26 } })).rejects.toBeInstanceOf(RangeNotSatisfiable);
  });

  it('overwrites atomically and deletes idempotently', async () => {
    await storage.put('o/x.txt', Buffer.from('first'), { contentType: 'text/plain' });
    await storage.put('o/x.txt', Buffer.from('second version'), { contentType: 'text/markdown' });
    const got = await storage.get('o/x.txt');
    expect((await buffer(got!.body)).toString()).toBe('second version');
    expect(got!.contentType).toBe('text/markdown');
    expect(await storage.exists('o/x.txt')).toBe(true);
    await storage.delete('o/x.txt');
    expect(await storage.exists('o/x.txt')).toBe(false);
    expect(await storage.head('o/x.txt')).toBeNull();
    expect(await storage.get('o/x.txt')).toBeNull();
    await expect(storage.delete('o/x.txt')).resolves.toBeUndefined();
  });

  it('stores nothing when the body stream fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage.put('fail/half.bin', failing)).rejects.toThrow('client went away');
    expect(await storage.exists('fail/half.bin')).toBe(false);
    expect(readdirSync(path.join(dir, 'files', '.tmp'))).toEqual([]);
  });

  it('refuses keys that could escape the directory or reach its bookkeeping', async () => {
    writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    const bad = ['../secret.txt', 'a/../../secret.txt', '/etc/passwd', '..', 'a//b', 'a/', '.meta/a/doc.txt.json', '.tmp/x', 'a/.hidden', 'a\\..\\b', 'a b', 'é', 'a/%2e%2e/b', ''];
    for (const key of bad) {
      expect(storageKeyProblem(key), key).not.toBeNull();
      await expect(storage.get(key), key).rejects.toBeInstanceOf(InvalidStorageKey);
      await expect(storage.put(key, Buffer.from('x')), key).rejects.toBeInstanceOf(InvalidStorageKey);
      await expect(storage.delete(key), key).rejects.toBeInstanceOf(InvalidStorageKey);
    }
    expect(existsSync(path.join(dir, 'secret.txt'))).toBe(true);
    expect(storageKeyProblem('org/0190a1b2-c3d4/covers/x_y-z.v2.png')).toBeNull();
  });
});

describe('parseRange', () => {
  it('reads single byte ranges and ignores what it cannot honour', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-1000', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange('bytes=9-1', 100)).toBeNull();
  });
});
