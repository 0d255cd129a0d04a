import { Module } from '@nestjs/common';
import { SESSION_RESOLVER } from '../../kernel/auth/index.js';
import { AccessService } from './access/access.service.js';
import { AuthService } from './auth/auth.service.js';

@Module({
  providers: [AccessService, AuthService, { provide: SESSION_RESOLVER, useExisting: AuthService }],
  exports: [AccessService, AuthService, SESSION_RESOLVER],
})
export class IdentityModule {}
