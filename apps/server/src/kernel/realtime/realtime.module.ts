import { Global, Module } from '@nestjs/common';
import { RealtimeService } from './realtime.service.js';

/** Socket.IO on the app's HTTP server; other modules inject `RealtimeService` to push events. */
@Global()
@Module({
  providers: [RealtimeService],
  exports: [RealtimeService],
})
export class RealtimeModule {}
