/** The waitlist's public surface: its Nest module (capacity is enforced through enrollment's SeatGuards hook) and the seat checks checkout makes. */
export { WaitlistModule } from './waitlist.module.js';
export { WaitlistService } from './waitlist.service.js';
