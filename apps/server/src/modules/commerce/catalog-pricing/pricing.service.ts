import { Inject, Injectable } from '@nestjs/common';
import { and, arrayContains, desc, eq, inArray, lt } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requirePermission, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { type CourseInfo, CoursesService } from '../../learning/courses/index.js';
import type { Bundle, CoursePricing, CreateBundle, PutPricing, UpdateBundle } from './pricing.dto.js';
import { currentPrice } from './pricing.rules.js';
import { bundlePrices, bundles, coursePrices } from './pricing.schema.js';

type PriceRow = typeof coursePrices.$inferSelect;
type BundleRow = typeof bundles.$inferSelect;

/** Something a buyer can put in the cart, priced now. */
export interface PricedItem {
  kind: 'course' | 'bundle';
  refId: string;
  organizationId: string;
  title: string;
  /** the courses it grants */
  courseIds: string[];
  /** the live category of each of those courses (same order; null when a course has none) */
  courseCategories: (string | null)[];
  /** currency -> what it costs now, in minor units */
  prices: Record<string, number>;
}

/** May the caller see this course in the catalog (published, public or of their organization)? */
function visibleToBuyer(ctx: RequestContext, c: CourseInfo): boolean {
  if (c.status !== 'published') return false;
  return c.visibility === 'public' || ctx.membership?.orgId === c.organizationId;
}

/** Course prices (per currency, with sale windows) and bundles; the price source of cart and checkout. */
@Injectable()
export class PricingService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
  ) {}

  private presentPrices(rows: PriceRow[], now: Date): z.input<typeof CoursePricing>['prices'] {
    return rows
      .sort((a, b) => a.currency.localeCompare(b.currency))
      .map((p) => {
        const cur = currentPrice(p, now);
        return {
          currency: p.currency,
          amountMinor: p.amountMinor,
          saleAmountMinor: p.saleAmountMinor,
          saleStartsAt: p.saleStartsAt?.toISOString() ?? null,
          saleEndsAt: p.saleEndsAt?.toISOString() ?? null,
          currentMinor: cur.minor,
          onSale: cur.onSale,
        };
      });
  }

  private async pricingOf(course: CourseInfo, db: DbOrTx = this.db): Promise<z.input<typeof CoursePricing>> {
    const rows = await db.select().from(coursePrices).where(eq(coursePrices.courseId, course.id));
    return {
      courseId: course.id,
      organizationId: course.organizationId,
      isFree: course.isFree,
      purchasable: !course.isFree && rows.length > 0,
      prices: this.presentPrices(rows, new Date()),
    };
  }

  /** Public for published courses the caller may see; course editors see drafts too. */
  async getPricing(ctx: RequestContext, courseId: string): Promise<z.input<typeof CoursePricing>> {
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || (!visibleToBuyer(ctx, course) && !this.courses.canEditCourse(ctx, course))) throw new NotFound('Course');
    return this.pricingOf(course);
  }

  async putPricing(ctx: RequestContext, courseId: string, body: z.output<typeof PutPricing>): Promise<z.input<typeof CoursePricing>> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== ctx.membership?.orgId) throw new NotFound('Course');
    if (!this.courses.canEditCourse(ctx, course)) throw new Forbidden('You may not edit the pricing of this course.', 'missing_permission');
    return inTransaction(this.db, async (tx) => {
      await tx.delete(coursePrices).where(eq(coursePrices.courseId, courseId));
      if (body.prices.length) {
        await tx.insert(coursePrices).values(
          body.prices.map((p) => ({
            courseId,
            organizationId: course.organizationId,
            currency: p.currency,
            amountMinor: p.amountMinor,
            saleAmountMinor: p.saleAmountMinor,
            saleStartsAt: p.saleStartsAt ? new Date(p.saleStartsAt) : null,
            saleEndsAt: p.saleEndsAt ? new Date(p.saleEndsAt) : null,
            updatedBy: u.actor.userId,
          })),
        );
      }
      return this.pricingOf(course, tx);
    });
  }

  // ---- bundles ----

  private async presentBundles(rows: BundleRow[], db: DbOrTx = this.db): Promise<z.input<typeof Bundle>[]> {
    if (!rows.length) return [];
    const priceRows = await db.select().from(bundlePrices).where(inArray(bundlePrices.bundleId, rows.map((b) => b.id)));
    const separate = await this.currentPrices([...new Set(rows.flatMap((b) => b.courseIds))], db);
    const out: z.input<typeof Bundle>[] = [];
    for (const b of rows) {
      const infos = await Promise.all(b.courseIds.map((id) => this.courses.getCourseInfo(id, db)));
      const prices = priceRows
        .filter((p) => p.bundleId === b.id)
        .sort((x, y) => x.currency.localeCompare(y.currency))
        .map((p) => {
          const each = b.courseIds.map((id) => separate.get(id)?.[p.currency]);
          const separateMinor = each.every((v) => v !== undefined) ? each.reduce<number>((sum, v) => sum + v!, 0) : null;
          return { currency: p.currency, amountMinor: p.amountMinor, separateMinor, savingsMinor: separateMinor === null ? null : separateMinor - p.amountMinor };
        });
      out.push({
        id: b.id,
        organizationId: b.organizationId,
        title: b.title,
        courses: infos.map((c, i) => ({ id: b.courseIds[i]!, title: c?.title ?? '(removed course)', slug: c?.slug ?? null })),
        prices,
        active: b.active,
        createdAt: b.createdAt.toISOString(),
      });
    }
    return out;
  }

  private async checkBundleCourses(orgId: string, courseIds: readonly string[], db: DbOrTx): Promise<void> {
    for (const [i, id] of courseIds.entries()) {
      const c = await this.courses.getCourseInfo(id, db);
      if (!c || c.organizationId !== orgId) {
        throw new Invalid('Every course of a bundle must be a course of this organization.', [{ field: `body.courseIds.${i}`, message: 'unknown course' }]);
      }
    }
  }

  private async writeBundlePrices(tx: DbOrTx, bundleId: string, orgId: string, prices: readonly { currency: string; amountMinor: number }[]): Promise<void> {
    await tx.delete(bundlePrices).where(eq(bundlePrices.bundleId, bundleId));
    await tx.insert(bundlePrices).values(prices.map((p) => ({ bundleId, organizationId: orgId, currency: p.currency, amountMinor: p.amountMinor })));
  }

  async createBundle(ctx: RequestContext, body: z.output<typeof CreateBundle>): Promise<z.input<typeof Bundle>> {
    const o = requirePermission(ctx, 'commerce.manage');
    return inTransaction(this.db, async (tx) => {
      await this.checkBundleCourses(o.membership.orgId, body.courseIds, tx);
      const [row] = await tx.insert(bundles).values({ organizationId: o.membership.orgId, title: body.title, courseIds: body.courseIds, createdBy: o.actor.userId }).returning();
      await this.writeBundlePrices(tx, row!.id, o.membership.orgId, body.prices);
      return (await this.presentBundles([row!], tx))[0]!;
    });
  }

  /** Replace a bundle's title, courses, prices and whether it is on sale (commerce.manage of its organization). */
  async updateBundle(ctx: RequestContext, bundleId: string, body: z.output<typeof UpdateBundle>): Promise<z.input<typeof Bundle>> {
    const o = requirePermission(ctx, 'commerce.manage');
    return inTransaction(this.db, async (tx) => {
      const [b] = await tx.select().from(bundles).where(and(eq(bundles.id, bundleId), eq(bundles.organizationId, o.membership.orgId))).for('update');
      if (!b) throw new NotFound('Bundle');
      await this.checkBundleCourses(o.membership.orgId, body.courseIds, tx);
      const [row] = await tx.update(bundles).set({ title: body.title, courseIds: body.courseIds, active: body.active, updatedAt: new Date() }).where(eq(bundles.id, b.id)).returning();
      await this.writeBundlePrices(tx, b.id, o.membership.orgId, body.prices);
      return (await this.presentBundles([row!], tx))[0]!;
    });
  }

  async listBundles(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof Bundle>>> {
    const o = requirePermission(ctx, 'commerce.manage');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(bundles)
      .where(and(eq(bundles.organizationId, o.membership.orgId), after ? lt(bundles.id, String(after[0])) : undefined))
      .orderBy(desc(bundles.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.id], (r) => r);
    return { items: await this.presentBundles(page.items), nextCursor: page.nextCursor };
  }

  /** Public: an active bundle whose courses are all visible to the caller. */
  async getBundle(ctx: RequestContext, bundleId: string): Promise<z.input<typeof Bundle>> {
    const [b] = await this.db.select().from(bundles).where(eq(bundles.id, bundleId));
    if (!b || (!b.active && ctx.membership?.orgId !== b.organizationId)) throw new NotFound('Bundle');
    const infos = await Promise.all(b.courseIds.map((id) => this.courses.getCourseInfo(id)));
    if (ctx.membership?.orgId !== b.organizationId && infos.some((c) => !c || !visibleToBuyer(ctx, c))) throw new NotFound('Bundle');
    return (await this.presentBundles([b]))[0]!;
  }

  /** Public: the active bundles that hold a course the caller can see, each with all its courses visible to them. */
  async bundlesOfCourse(ctx: RequestContext, courseId: string): Promise<{ items: z.input<typeof Bundle>[] }> {
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || (!visibleToBuyer(ctx, course) && !this.courses.canEditCourse(ctx, course))) throw new NotFound('Course');
    const rows = await this.db
      .select()
      .from(bundles)
      .where(and(eq(bundles.organizationId, course.organizationId), eq(bundles.active, true), arrayContains(bundles.courseIds, [courseId])))
      .orderBy(desc(bundles.id))
      .limit(20);
    const visible: BundleRow[] = [];
    for (const b of rows) {
      const infos = await Promise.all(b.courseIds.map((id) => this.courses.getCourseInfo(id)));
      if (infos.every((c) => c && visibleToBuyer(ctx, c))) visible.push(b);
    }
    return { items: await this.presentBundles(visible) };
  }

  // ---- for cart and checkout ----

  /**
   * Prices a course or a bundle for the caller now; 404 when they cannot see it, 409 when it
   * cannot be bought (free, or no price).
   */
  async priceItem(ctx: RequestContext, kind: 'course' | 'bundle', refId: string, db: DbOrTx = this.db): Promise<PricedItem> {
    const now = new Date();
    if (kind === 'course') {
      const course = await this.courses.getCourseInfo(refId, db);
      if (!course || !visibleToBuyer(ctx, course)) throw new NotFound('Course');
      if (course.isFree) throw new Conflict('This course is free: enroll directly instead of buying it.', 'course_free');
      const rows = await db.select().from(coursePrices).where(eq(coursePrices.courseId, refId));
      if (!rows.length) throw new Conflict('This course has no price yet, so it cannot be bought.', 'not_for_sale');
      return {
        kind,
        refId,
        organizationId: course.organizationId,
        title: course.title,
        courseIds: [course.id],
        courseCategories: [course.category],
        prices: Object.fromEntries(rows.map((r) => [r.currency, currentPrice(r, now).minor])),
      };
    }
    const [b] = await db.select().from(bundles).where(eq(bundles.id, refId));
    if (!b || !b.active) throw new NotFound('Bundle');
    const infos = await Promise.all(b.courseIds.map((id) => this.courses.getCourseInfo(id, db)));
    if (infos.some((c) => !c || !visibleToBuyer(ctx, c))) throw new NotFound('Bundle');
    const priceRows = await db.select().from(bundlePrices).where(eq(bundlePrices.bundleId, b.id));
    if (!priceRows.length) throw new Conflict('This bundle has no price yet, so it cannot be bought.', 'not_for_sale');
    return { kind, refId, organizationId: b.organizationId, title: b.title, courseIds: [...b.courseIds], courseCategories: infos.map((c) => c?.category ?? null), prices: Object.fromEntries(priceRows.map((r) => [r.currency, r.amountMinor])) };
  }

  /** Course prices of many courses at once (catalog badges); currency -> current minor. */
  async currentPrices(courseIds: readonly string[], db: DbOrTx = this.db): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    if (!courseIds.length) return out;
    const now = new Date();
    const rows = await db.select().from(coursePrices).where(inArray(coursePrices.courseId, [...courseIds]));
    for (const r of rows) out.set(r.courseId, { ...(out.get(r.courseId) ?? {}), [r.currency]: currentPrice(r, now).minor });
    return out;
  }
}
