import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { PaymentsController } from './payments.controller.js';
import { ManualPaymentProvider } from './manual.provider.js';
import { PAYMENT_PROVIDERS, type PaymentProvider, type PaymentProviderName } from './provider.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';
import { stripeClient, StripePaymentProvider } from './stripe.provider.js';
import { STRIPE_CLIENT, type StripeClient } from './stripe.tokens.js';
import { PaymentWebhookRouter } from './webhook-router.js';

/** Payment providers (manual built in; Stripe when configured) and the provider-webhook router. */
@Module({
  controllers: [PaymentsController, StripeWebhookController],
  providers: [
    {
      provide: STRIPE_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): StripeClient =>
        config.STRIPE_SECRET_KEY ? stripeClient({ secretKey: config.STRIPE_SECRET_KEY, apiUrl: config.STRIPE_API_URL }) : null,
    },
    {
      provide: PAYMENT_PROVIDERS,
      inject: [STRIPE_CLIENT],
      useFactory: (stripe: StripeClient): ReadonlyMap<PaymentProviderName, PaymentProvider> => {
        const map = new Map<PaymentProviderName, PaymentProvider>([['manual', new ManualPaymentProvider()]]);
        if (stripe) map.set('stripe', new StripePaymentProvider(stripe));
        return map;
      },
    },
    PaymentWebhookRouter,
  ],
  exports: [PAYMENT_PROVIDERS, PaymentWebhookRouter, STRIPE_CLIENT],
})
export class PaymentsModule {}
