export { OrdersModule } from './orders.module.js';
export { OrdersService } from './orders.service.js';
export { computeTotals } from './totals.js';
export type { OrderTotals, TaxRule } from './totals.js';
