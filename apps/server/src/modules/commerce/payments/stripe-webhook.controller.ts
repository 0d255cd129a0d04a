import { Controller, Headers, HttpCode, Inject, Post, type RawBodyRequest, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type Stripe from 'stripe';
import { Public } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { Invalid, NotFound } from '../../../kernel/errors/index.js';
import { paymentWebhookEvents } from './payments.schema.js';
import { STRIPE_CLIENT, type StripeClient } from './stripe.tokens.js';
import { PaymentWebhookRouter } from './webhook-router.js';

/**
 * Stripe's webhook: the signature is checked over the raw body with STRIPE_WEBHOOK_SECRET, the
 * event id is recorded (a replay is ignored with 200) and the event is dispatched through
 * PaymentWebhookRouter in that same transaction, so it is handled once or not at all (a failing
 * handler rolls the record back and Stripe retries).
 */
@Controller('payments/stripe')
export class StripeWebhookController {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STRIPE_CLIENT) private readonly stripe: StripeClient,
    private readonly router: PaymentWebhookRouter,
  ) {}

  @Public()
  @Post('webhook')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async webhook(@Req() req: RawBodyRequest<FastifyRequest>, @Headers('stripe-signature') signature: string | undefined): Promise<{ received: true; duplicate: boolean; handled: boolean }> {
    const secret = this.config.STRIPE_WEBHOOK_SECRET;
    if (!this.stripe || !secret) throw new NotFound('Stripe is not configured here.');
    if (!signature || !req.rawBody) throw new Invalid('A signed Stripe event is required.', [{ field: 'header.stripe-signature', message: 'missing' }], 'bad_signature');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(req.rawBody, signature, secret);
    } catch {
      throw new Invalid('The Stripe signature does not match this payload.', [{ field: 'header.stripe-signature', message: 'invalid' }], 'bad_signature');
    }
    return this.db.transaction(async (tx) => {
      const fresh = await tx.insert(paymentWebhookEvents).values({ provider: 'stripe', eventId: event.id, type: event.type }).onConflictDoNothing().returning({ id: paymentWebhookEvents.eventId });
      if (fresh.length === 0) return { received: true as const, duplicate: true, handled: false };
      const handled = await this.router.dispatch(tx, { provider: 'stripe', id: event.id, type: event.type, payload: event });
      return { received: true as const, duplicate: false, handled };
    });
  }
}
