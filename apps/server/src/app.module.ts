import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ZodSerializerInterceptor } from 'nestjs-zod';
import { AuthGuard } from './kernel/auth/index.js';
import { ProblemFilter } from './kernel/errors/index.js';
import { IdempotencyInterceptor } from './kernel/http/idempotency.interceptor.js';
import { RequestValidationPipe } from './kernel/http/validation.pipe.js';
import { KernelModule, type KernelRuntime } from './kernel/kernel.module.js';
import { IdentityModule } from './modules/identity/index.js';
import { LearningModule } from './modules/learning/index.js';
import { MediaModule } from './modules/media/index.js';
import { CommerceModule } from './modules/commerce/index.js';
import { StorageModule } from './kernel/storage/storage.module.js';
import { RealtimeModule } from './kernel/realtime/realtime.module.js';

@Module({})
export class AppModule {
  static forRoot(rt: KernelRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [KernelModule.forRoot(rt), StorageModule, RealtimeModule, IdentityModule, LearningModule, MediaModule, CommerceModule],
      providers: [
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: ZodSerializerInterceptor },
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
      ],
    };
  }
}
