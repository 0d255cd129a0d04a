import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { Public } from '../../../kernel/auth/index.js';
import { PAYMENT_PROVIDERS, type PaymentProviders } from './provider.js';

export const PaymentOptions = z.object({
  /** the ways a buyer can pay here: `manual` (test cards) always, `stripe` when configured */
  providers: z.array(z.enum(['manual', 'stripe'])),
});
export class PaymentOptionsDto extends createZodDto(PaymentOptions) {}

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(@Inject(PAYMENT_PROVIDERS) private readonly providers: PaymentProviders) {}

  @Public()
  @Get('providers')
  @ApiOperation({ summary: 'The payment providers configured here (the checkout page offers these)' })
  @ZodResponse({ status: 200, type: PaymentOptionsDto })
  list(): z.input<typeof PaymentOptions> {
    return { providers: [...this.providers.keys()] };
  }
}
