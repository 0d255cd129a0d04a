export { PricingModule } from './pricing.module.js';
export { PricingService } from './pricing.service.js';
export type { PricedItem } from './pricing.service.js';
export { currentPrice } from './pricing.rules.js';
