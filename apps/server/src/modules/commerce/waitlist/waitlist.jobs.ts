import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Tells the person an offer is for, on their open sockets (after the offer committed). */
export const NotifySeatOfferJob = defineJob('waitlist.notify-offer', z.object({ offerId: z.uuid() }), { maxAttempts: 5 });
/** Expires offers past their claim window and passes each seat to the next person in line. */
export const ExpireSeatOffersJob = defineJob('waitlist.expire-offers', z.object({}), { maxAttempts: 5 });
export const EXPIRE_SEAT_OFFERS_CRON = '* * * * *';
/** The socket event a person receives when a seat is offered to them. */
export const SEAT_OFFER_EVENT = 'waitlist.offer';
