import { Injectable, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { RealtimeService } from '../../../kernel/realtime/index.js';
import { UserSuspended } from '../identity.events.js';

/**
 * A suspended user's open websockets are closed on every node (the realtime adapter fans the
 * disconnect out): their sessions are gone, so live channels must not outlive them.
 */
@Injectable()
export class SuspensionSubscriber implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly realtime: RealtimeService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(UserSuspended, 'identity.disconnect-suspended', async ({ userId }) => {
      this.realtime.disconnectUser(userId);
    });
  }
}
