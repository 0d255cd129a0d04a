import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Invalid } from '../../../kernel/errors/index.js';
import { isValidStorageKey, STORAGE, type Storage, UploadService, UrlSigner } from '../../../kernel/storage/index.js';

const HTTP_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
export const COVER_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const COVER_MAX_BYTES = 5 * 1024 * 1024;

/** Where a course's uploaded covers live in storage. */
export const coverPrefix = (orgId: string, courseId: string) => `org/${orgId}/courses/${courseId}/covers`;

/**
 * Course covers: either an external http(s) image URL or an object this course uploaded.
 * Covers are public (catalog pages), so only keys under the course's own prefix are accepted:
 * naming another object's key would otherwise publish it.
 */
@Injectable()
export class CourseCovers {
  constructor(
    private readonly signer: UrlSigner,
    private readonly uploads: UploadService,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  assertAcceptable(orgId: string, courseId: string | null, key: string | null | undefined): void {
    if (key === null || key === undefined || HTTP_URL.test(key)) return;
    if (courseId && key.startsWith(coverPrefix(orgId, courseId) + '/') && isValidStorageKey(key)) return;
    throw new Invalid('coverKey must be an http(s) image URL or a cover uploaded to this course (PUT /courses/:id/cover).', [
      { field: 'body.coverKey', message: 'not an http(s) URL nor a cover of this course' },
    ], 'invalid_cover_key');
  }

  /** The URL a browser loads the cover from: the external URL, or a long-lived public signed path. */
  url(key: string | null): string | null {
    if (!key) return null;
    if (HTTP_URL.test(key)) return key;
    return isValidStorageKey(key) ? this.signer.signPublic(key) : null;
  }

  async receive(req: FastifyRequest, orgId: string, courseId: string): Promise<string> {
    const file = await this.uploads.receive(req, { allowed: COVER_TYPES, keyPrefix: coverPrefix(orgId, courseId), maxBytes: COVER_MAX_BYTES });
    return file.key;
  }

  async discard(key: string): Promise<void> {
    await this.storage.delete(key).catch(() => undefined);
  }
}
