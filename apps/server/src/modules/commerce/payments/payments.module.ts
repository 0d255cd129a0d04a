import { Module } from '@nestjs/common';
import { ManualPaymentProvider } from './manual.provider.js';
import { PAYMENT_PROVIDERS, type PaymentProvider, type PaymentProviderName } from './provider.js';
import { PaymentWebhookRouter } from './webhook-router.js';

/** Payment providers (manual built in; Stripe when configured) and the provider-webhook router. */
@Module({
  providers: [
    {
      provide: PAYMENT_PROVIDERS,
      useFactory: (): ReadonlyMap<PaymentProviderName, PaymentProvider> => new Map<PaymentProviderName, PaymentProvider>([['manual', new ManualPaymentProvider()]]),
    },
    PaymentWebhookRouter,
  ],
  exports: [PAYMENT_PROVIDERS, PaymentWebhookRouter],
})
export class PaymentsModule {}
