export { TaxModule } from './tax.module.js';
export { TaxService } from './tax.service.js';
export type { ApplicableTax } from './tax.service.js';
