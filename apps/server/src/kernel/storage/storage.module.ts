import path from 'node:path';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { FilesRoute } from './files.route.js';
import { LocalStorage } from './local.storage.js';
import { s3ClientConfig, S3Storage } from './s3.storage.js';
import { STORAGE, type Storage } from './storage.port.js';
import { UploadService } from './upload.service.js';
import { UrlSigner } from './url-signer.js';

/** The adapter the configuration asks for: S3 when STORAGE_DRIVER=s3 (or S3_BUCKET is set), else `<DATA_DIR>/files`. */
export function createStorage(config: AppConfig): Storage {
  if (config.storageDriver === 's3') {
    return new S3Storage({
      bucket: config.S3_BUCKET!,
      clientConfig: s3ClientConfig({
        region: config.S3_REGION,
        endpoint: config.S3_ENDPOINT,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      }),
      spoolDir: path.join(config.dataDir, 'tmp', 's3-spool'),
    });
  }
  return new LocalStorage(path.join(config.dataDir, 'files'));
}

/** Files: the `STORAGE` port, signed download URLs (`UrlSigner`, `GET /files/*`) and `UploadService`. */
@Global()
@Module({
  providers: [
    { provide: STORAGE, useFactory: (config: AppConfig) => createStorage(config), inject: [APP_CONFIG] },
    UrlSigner,
    UploadService,
    FilesRoute,
  ],
  exports: [STORAGE, UrlSigner, UploadService],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
