/** The revenue module's public surface: its Nest module (it reads commerce events only). */
export { RevenueModule } from './revenue.module.js';
