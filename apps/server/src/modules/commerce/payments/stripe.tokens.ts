import type Stripe from 'stripe';

/** Nest token for the configured Stripe SDK client, or null when STRIPE_SECRET_KEY is not set. */
export const STRIPE_CLIENT = Symbol('STRIPE_CLIENT');
export type StripeClient = Stripe | null;
