import { Module } from '@nestjs/common';
import { CoursesModule } from '../../learning/courses/index.js';
import { PricingController } from './pricing.controller.js';
import { PricingService } from './pricing.service.js';

/** Catalog pricing: course prices per currency with sale windows, free courses, bundles. */
@Module({ imports: [CoursesModule], controllers: [PricingController], providers: [PricingService], exports: [PricingService] })
export class PricingModule {}
