export { StorageModule, createStorage } from './storage.module.js';
export {
  STORAGE,
  InvalidStorageKey,
  RangeNotSatisfiable,
  DEFAULT_CONTENT_TYPE,
  assertValidStorageKey,
  isValidStorageKey,
  storageKeyProblem,
  normalizeContentType,
} from './storage.port.js';
export type { Storage, StorageBody, PutOptions, PutResult, ObjectInfo, ObjectStream, ByteRange } from './storage.port.js';
export { LocalStorage } from './local.storage.js';
export { S3Storage, s3ClientConfig } from './s3.storage.js';
export type { S3StorageOptions } from './s3.storage.js';
export { UrlSigner, FILES_PATH } from './url-signer.js';
export type { SignOptions, PublicSignOptions, SignedGrant } from './url-signer.js';
export { UploadService, sanitizeFilename, sniffContentType } from './upload.service.js';
export type { UploadOptions, UploadedFile } from './upload.service.js';
export { ByteMeter } from './byte-meter.js';
export { parseRange } from './http-range.js';
