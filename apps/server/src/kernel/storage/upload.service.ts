import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart'; // request.file() / isMultipart() typings
import { fileTypeFromBuffer } from 'file-type';
import { v7 as uuidv7 } from 'uuid';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { Invalid, PayloadTooLarge, UnsupportedMediaType } from '../errors/index.js';
import { ByteMeter } from './byte-meter.js';
import { assertValidStorageKey, InvalidStorageKey, STORAGE, type Storage } from './storage.port.js';

export interface UploadOptions {
  /** refuse (413) past this many bytes; default and ceiling UPLOAD_MAX_BYTES */
  maxBytes?: number;
  /** content types accepted, as detected from the bytes (e.g. ['image/png', 'image/jpeg']) */
  allowed: readonly string[];
  /** where the object goes: `<keyPrefix>/<uuidv7>.<ext>`; e.g. `org/<orgId>/covers` */
  keyPrefix: string;
}

export interface UploadedFile {
  key: string;
  size: number;
  /** detected from the content, never taken from the client */
  contentType: string;
  sha256: string;
  /** the client's file name, stripped of any path and control characters */
  originalName: string;
  /** form fields sent before the file part */
  fields: Record<string, string>;
}

/** enough for every signature file-type knows in its default sample */
const SNIFF_BYTES = 4100;
/** types whose bytes carry no signature: accepted only when declared, allowed, and valid UTF-8 */
const TEXTUAL = /^(text\/[a-z0-9.+-]+|application\/json|application\/x-ndjson)$/;
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/mp3': 'audio/mpeg',
  'video/x-m4v': 'video/mp4',
  'application/x-pdf': 'application/pdf',
  'text/xml': 'application/xml',
  'application/x-zip-compressed': 'application/zip',
};
/** what browsers send when they do not know: no claim to check */
const NO_CLAIM = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

function canonicalType(mime: string | undefined): string {
  const base = (mime ?? '').split(';')[0]!.trim().toLowerCase();
  return ALIASES[base] ?? base;
}

/** The client's file name without directories, control or bidi characters; 'file' when nothing is left. */
export function sanitizeFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .slice(0, 255);
  return clean && clean !== '.' && clean !== '..' ? clean : 'file';
}

function isUtf8Text(head: Buffer): boolean {
  if (head.includes(0)) return false;
  try {
    // stream: true tolerates a multi-byte character cut at the end of the sample
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Decides the stored content type from the first bytes; throws 415 problems. */
export async function sniffContentType(head: Buffer, declared: string | undefined, allowed: readonly string[]): Promise<{ contentType: string; ext: string }> {
  const allow = new Set(allowed.map(canonicalType));
  const claim = canonicalType(declared);
  const detected = await fileTypeFromBuffer(head);
  const list = [...allow].join(', ');
  if (detected) {
    const mime = canonicalType(detected.mime);
    if (!allow.has(mime)) throw new UnsupportedMediaType(`Files of type ${mime} are not accepted here (accepted: ${list}).`);
    if (!NO_CLAIM.has(claim) && claim !== mime) {
      throw new UnsupportedMediaType(`The file was sent as ${claim} but its content is ${mime}.`, 'content_type_mismatch');
    }
    return { contentType: mime, ext: detected.ext };
  }
  if (TEXTUAL.test(claim) && allow.has(claim) && isUtf8Text(head)) {
    const ext = claim === 'application/json' ? 'json' : claim === 'text/csv' ? 'csv' : claim === 'text/vtt' ? 'vtt' : claim === 'text/markdown' ? 'md' : 'txt';
    return { contentType: claim, ext };
  }
  if (!NO_CLAIM.has(claim) && allow.has(claim)) {
    throw new UnsupportedMediaType(`The file was sent as ${claim} but its content is not a ${claim} file.`, 'content_type_mismatch');
  }
  throw new UnsupportedMediaType(`This kind of file is not accepted here (accepted: ${list}).`);
}

/**
 * Receives one multipart file and streams it into storage: the first bytes are sniffed before
 * anything is written (the client's Content-Type is only a claim), the rest is counted on the way
 * and the upload aborted with 413 past the limit. Refused uploads leave nothing in storage.
 */
@Injectable()
export class UploadService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'UPLOAD_MAX_BYTES'>,
  ) {}

  async receive(request: FastifyRequest, opts: UploadOptions): Promise<UploadedFile> {
    const maxBytes = Math.min(opts.maxBytes ?? this.config.UPLOAD_MAX_BYTES, this.config.UPLOAD_MAX_BYTES);
    try {
      assertValidStorageKey(opts.keyPrefix + '/x');
    } catch (err) {
      if (err instanceof InvalidStorageKey) throw new Error(`UploadService: bad keyPrefix: ${err.message}`);
      throw err;
    }
    if (!request.isMultipart()) {
      throw new UnsupportedMediaType('Send the file as multipart/form-data.', 'multipart_required');
    }
    // One byte over the limit reaches the meter, which then refuses; busboy would silently truncate.
    const part = await request.file({ limits: { fileSize: maxBytes + 1, files: 1 } });
    if (!part) throw new Invalid('No file was sent: add a file part to the form.', undefined, 'file_missing');
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(part.fields)) {
      const v = Array.isArray(value) ? value[0] : value;
      if (v && v.type === 'field' && typeof v.value === 'string') fields[name] = v.value;
    }

    const iterator = part.file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const chunks: Buffer[] = [];
    let sniffed = 0;
    let ended = false;
    try {
      while (sniffed < SNIFF_BYTES) {
        const r = await iterator.next();
        if (r.done) {
          ended = true;
          break;
        }
        chunks.push(r.value);
        sniffed += r.value.length;
      }
    } catch (err) {
      part.file.destroy();
      throw err;
    }
    const head = Buffer.concat(chunks);
    if (head.length === 0) {
      part.file.destroy();
      throw new Invalid('The file is empty.', undefined, 'file_empty');
    }
    if (head.length > maxBytes) {
      part.file.destroy();
      throw tooLarge(maxBytes);
    }
    let type: { contentType: string; ext: string };
    try {
      type = await sniffContentType(head, part.mimetype, opts.allowed);
    } catch (err) {
      await iterator.return?.();
      part.file.destroy();
      throw err;
    }

    const body = Readable.from(
      (async function* () {
        yield head;
        if (ended) return;
        for (;;) {
          const r = await iterator.next();
          if (r.done) return;
          yield r.value;
        }
      })(),
      { objectMode: false },
    );
    const meter = new ByteMeter({ maxBytes, onLimit: tooLarge });
    const counted = pipeline(body, meter).catch(() => undefined); // errors surface through put()
    const key = `${opts.keyPrefix}/${uuidv7()}.${type.ext}`;
    try {
      const stored = await this.storage.put(key, meter, { contentType: type.contentType });
      await counted;
      if (part.file.truncated) throw tooLarge(maxBytes);
      return { key, size: stored.size, contentType: stored.contentType, sha256: stored.sha256, originalName: sanitizeFilename(part.filename), fields };
    } catch (err) {
      part.file.destroy();
      // put() is atomic, so nothing should be there; the delete makes sure of it.
      await this.storage.delete(key).catch(() => undefined);
      throw err;
    }
  }
}

function tooLarge(maxBytes: number): PayloadTooLarge {
  return new PayloadTooLarge(`The file is larger than the limit of ${maxBytes} bytes.`, 'file_too_large');
}
