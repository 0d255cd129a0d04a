import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, type Tx } from '../../../kernel/db/index.js';
import { AppError, Conflict, NotFound } from '../../../kernel/errors/index.js';
import { EnrollmentService } from '../../learning/enrollment/index.js';
import { type PricedItem, PricingService } from '../catalog-pricing/index.js';
import type { Cart } from './cart.dto.js';
import { type CartItemKind, cartItems } from './cart.schema.js';

type ItemRow = typeof cartItems.$inferSelect;

/** Who owns a cart: the signed-in user, or the guest cart id of the cookie. */
export interface CartOwner {
  userId: string | null;
  guestId: string | null;
}

export interface CartLine {
  item: ItemRow;
  priced: PricedItem | null;
  /** why it cannot be bought now */
  problem: string | null;
}

const ownerKey = (o: CartOwner): string | null => (o.userId ? `user:${o.userId}` : o.guestId ? `guest:${o.guestId}` : null);
const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505';

/**
 * Carts: one per user, and a guest cart (cookie id) that is merged into the user's cart when the
 * signed-in user first calls the cart with the guest cookie. A cart holds items of one
 * organization; an item already owned or already in the cart is refused.
 */
@Injectable()
export class CartService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly pricing: PricingService,
    private readonly enrollment: EnrollmentService,
  ) {}

  newGuestId(): string {
    return randomUUID();
  }

  private async rows(owner: string, db: DbOrTx = this.db): Promise<ItemRow[]> {
    return db.select().from(cartItems).where(eq(cartItems.owner, owner)).orderBy(asc(cartItems.id));
  }

  /** The cart's items, each priced now for the caller. */
  async lines(ctx: RequestContext, owner: CartOwner, db: DbOrTx = this.db): Promise<CartLine[]> {
    const key = ownerKey(owner);
    if (!key) return [];
    const out: CartLine[] = [];
    for (const item of await this.rows(key, db)) {
      try {
        out.push({ item, priced: await this.pricing.priceItem(ctx, item.kind, item.refId, db), problem: null });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        out.push({ item, priced: null, problem: e.message });
      }
    }
    return out;
  }

  async view(ctx: RequestContext, owner: CartOwner): Promise<z.input<typeof Cart>> {
    const lines = await this.lines(ctx, owner);
    const available = lines.filter((l) => l.priced);
    const sets = available.map((l) => new Set(Object.keys(l.priced!.prices)));
    const currencies = sets.length ? [...sets[0]!].filter((c) => sets.every((s) => s.has(c))).sort() : [];
    return {
      organizationId: lines[0]?.item.organizationId ?? null,
      items: lines.map((l) => ({
        id: l.item.id,
        kind: l.item.kind,
        refId: l.item.refId,
        title: l.priced?.title ?? 'No longer available',
        courseIds: l.priced?.courseIds ?? [],
        prices: l.priced?.prices ?? {},
        available: l.priced !== null,
      })),
      currencies,
      count: lines.length,
    };
  }

  /** Refuses what the user owns already (every course of it) with a 409. */
  private async refuseOwned(userId: string, priced: PricedItem, db: DbOrTx = this.db): Promise<void> {
    const owned = await this.enrollment.coursesWithAccess(userId, priced.courseIds, db);
    if (priced.courseIds.every((id) => owned.has(id))) {
      throw new Conflict(priced.kind === 'course' ? 'You already have this course.' : 'You already have every course of this bundle.', 'already_owned');
    }
  }

  async add(ctx: RequestContext, owner: CartOwner, kind: CartItemKind, refId: string): Promise<void> {
    const key = ownerKey(owner);
    if (!key) throw new Error('a cart owner is required to add');
    const priced = await this.pricing.priceItem(ctx, kind, refId);
    if (owner.userId) await this.refuseOwned(owner.userId, priced);
    await this.db.transaction(async (tx) => {
      const existing = await this.rows(key, tx);
      if (existing.some((i) => i.kind === kind && i.refId === refId)) throw new Conflict(`${priced.title} is already in your cart.`, 'already_in_cart');
      if (existing.length && existing[0]!.organizationId !== priced.organizationId) {
        throw new Conflict('Your cart holds courses of another school; check those out first or remove them.', 'cart_other_organization');
      }
      try {
        await tx.insert(cartItems).values({ owner: key, organizationId: priced.organizationId, kind, refId });
      } catch (e) {
        if (isUniqueViolation(e)) throw new Conflict(`${priced.title} is already in your cart.`, 'already_in_cart');
        throw e;
      }
    });
  }

  async remove(owner: CartOwner, itemId: string): Promise<void> {
    const key = ownerKey(owner);
    const gone = key ? await this.db.delete(cartItems).where(and(eq(cartItems.id, itemId), eq(cartItems.owner, key))).returning() : [];
    if (!gone.length) throw new NotFound('Cart item');
  }

  /**
   * Moves the guest cart into the user's cart: items the user owns, already has, or of another
   * organization than the user's cart are dropped. Returns how many moved.
   */
  async merge(ctx: RequestContext, userId: string, guestId: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const guest = await this.rows(`guest:${guestId}`, tx);
      if (!guest.length) return 0;
      const mine = await this.rows(`user:${userId}`, tx);
      let org = mine[0]?.organizationId ?? null;
      let moved = 0;
      for (const g of guest) {
        if (mine.some((m) => m.kind === g.kind && m.refId === g.refId)) continue;
        if (org && g.organizationId !== org) continue;
        const owned = await this.enrollment.coursesWithAccess(userId, g.kind === 'course' ? [g.refId] : [], tx);
        if (owned.has(g.refId)) continue;
        if (g.kind === 'bundle') {
          try {
            await this.refuseOwned(userId, await this.pricing.priceItem(ctx, g.kind, g.refId, tx), tx);
          } catch (e) {
            if (e instanceof AppError) continue;
            throw e;
          }
        }
        await tx.insert(cartItems).values({ owner: `user:${userId}`, organizationId: g.organizationId, kind: g.kind, refId: g.refId });
        org = g.organizationId;
        moved++;
      }
      await tx.delete(cartItems).where(eq(cartItems.owner, `guest:${guestId}`));
      return moved;
    });
  }

  /** Takes bought items out of the user's cart (in the paying transaction). */
  async removeBought(tx: Tx, userId: string, refIds: readonly string[]): Promise<void> {
    if (!refIds.length) return;
    await tx.delete(cartItems).where(and(eq(cartItems.owner, `user:${userId}`), inArray(cartItems.refId, [...refIds])));
  }
}
