import { Module } from '@nestjs/common';
import { EnrollmentModule } from '../../learning/enrollment/index.js';
import { PricingModule } from '../catalog-pricing/index.js';
import { CartController } from './cart.controller.js';
import { CartService } from './cart.service.js';

/** Carts per user and per guest cookie, merged at sign-in. */
@Module({ imports: [PricingModule, EnrollmentModule], controllers: [CartController], providers: [CartService], exports: [CartService] })
export class CartModule {}
