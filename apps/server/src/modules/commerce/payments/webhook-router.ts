import { Injectable } from '@nestjs/common';
import type { Tx } from '../../../kernel/db/index.js';

/** A verified, not-yet-seen provider webhook event (for Stripe: the `Stripe.Event` object). */
export interface ProviderEvent {
  provider: 'stripe';
  id: string;
  type: string;
  /** the provider's event object, already signature-checked */
  payload: unknown;
}

export type ProviderEventHandler = (tx: Tx, event: ProviderEvent) => Promise<void>;

/**
 * Routes verified provider webhook events to the commerce submodule that owns them (orders take
 * `payment_intent.*` and `charge.*`, billing takes `invoice.*` and `customer.subscription.*`).
 * The webhook endpoint verifies the signature, records the event id (a duplicate is ignored) and
 * dispatches inside that same transaction, so an event is handled once or not at all.
 */
@Injectable()
export class PaymentWebhookRouter {
  private readonly handlers = new Map<string, ProviderEventHandler[]>();

  on(type: string, handler: ProviderEventHandler): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
  }

  /** true when some handler took the event */
  async dispatch(tx: Tx, event: ProviderEvent): Promise<boolean> {
    const list = this.handlers.get(event.type) ?? [];
    for (const h of list) await h(tx, event);
    return list.length > 0;
  }
}
