import { Module } from '@nestjs/common';
import { TaxController } from './tax.controller.js';
import { TaxService } from './tax.service.js';

/** Tax rates per country and region, inclusive or exclusive. */
@Module({ controllers: [TaxController], providers: [TaxService], exports: [TaxService] })
export class TaxModule {}
