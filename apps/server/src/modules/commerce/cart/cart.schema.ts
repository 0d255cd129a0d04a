import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7Pk } from '../../../kernel/db/index.js';

export const CART_ITEM_KINDS = ['course', 'bundle'] as const;
export type CartItemKind = (typeof CART_ITEM_KINDS)[number];

/**
 * What a buyer means to purchase. `owner` is `user:<id>` for a signed-in buyer or `guest:<id>`
 * for the anonymous cart of the `lyceum_cart` cookie (merged into the user's cart at sign-in).
 */
export const cartItems = pgTable(
  'cart_items',
  {
    id: uuidv7Pk(),
    owner: text('owner').notNull(),
    organizationId: uuid('organization_id').notNull(),
    kind: text('kind', { enum: CART_ITEM_KINDS }).notNull(),
    refId: uuid('ref_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('cart_items_owner_ref_uq').on(t.owner, t.kind, t.refId), index('cart_items_owner_idx').on(t.owner, t.id)],
);
