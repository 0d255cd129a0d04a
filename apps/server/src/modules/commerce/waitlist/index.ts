/** The waitlist's public surface: its Nest module (capacity is enforced through enrollment's SeatGuards hook). */
export { WaitlistModule } from './waitlist.module.js';
