import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { CART_ITEM_KINDS } from './cart.schema.js';

export const AddCartItem = z.strictObject({ kind: z.enum(CART_ITEM_KINDS).default('course'), refId: z.uuid() });
export class AddCartItemDto extends createZodDto(AddCartItem) {}
export class CartItemParamsDto extends createZodDto(z.strictObject({ itemId: z.uuid() })) {}

export const CartItem = z.object({
  id: z.uuid(),
  kind: z.enum(CART_ITEM_KINDS),
  refId: z.uuid(),
  title: z.string(),
  courseIds: z.array(z.uuid()),
  /** currency -> price now, minor units */
  prices: z.record(z.string(), z.number().int()),
  /** false when it can no longer be bought (unpublished, price removed): checkout refuses it */
  available: z.boolean(),
});

export const Cart = z.object({
  organizationId: z.uuid().nullable(),
  items: z.array(CartItem),
  /** currencies every available item is priced in */
  currencies: z.array(z.string()),
  count: z.number().int(),
});
export class CartDto extends createZodDto(Cart) {}
