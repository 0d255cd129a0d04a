import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../kernel/config/index.js';
import { DB, type Database, type DbOrTx } from '../../../../kernel/db/index.js';
import { Forbidden, Invalid, NotFound } from '../../../../kernel/errors/index.js';
import { type CourseInfo, CoursesService } from '../../../learning/courses/index.js';
import type { GeoRules, PutGeoRules } from './playback.dto.js';
import { courseGeoRules } from './playback.schema.js';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** True for an ISO 3166-1 alpha-2 code ICU knows as a region (not "ZZ", not unassigned pairs). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || code === 'ZZ') return false;
  const name = regionNames.of(code);
  return !!name && name !== code && name !== 'Unknown Region';
}

export function countryName(code: string): string {
  return regionNames.of(code) ?? code;
}

/** Per-course allow and deny lists of countries, checked when a playback session starts. */
@Injectable()
export class GeoRulesService {
  readonly header: string;

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly courses: CoursesService,
  ) {
    this.header = config.GEO_COUNTRY_HEADER.toLowerCase();
  }

  private async editable(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== u.membership?.orgId) throw new NotFound('Course');
    if (!this.courses.canEditCourse(u, course)) throw new Forbidden('Only people who may edit this course change where it can be watched.', 'missing_permission');
    return course;
  }

  private async rulesOf(courseId: string, db: DbOrTx = this.db) {
    const [row] = await db.select().from(courseGeoRules).where(eq(courseGeoRules.courseId, courseId));
    return row ?? null;
  }

  async get(ctx: RequestContext, courseId: string): Promise<z.input<typeof GeoRules>> {
    await this.editable(ctx, courseId);
    const row = await this.rulesOf(courseId);
    return { courseId, allow: row?.allow ?? [], deny: row?.deny ?? [], countryHeader: this.header, updatedAt: row?.updatedAt.toISOString() ?? null };
  }

  async put(ctx: RequestContext, courseId: string, body: z.output<typeof PutGeoRules>): Promise<z.input<typeof GeoRules>> {
    const course = await this.editable(ctx, courseId);
    const unknown = [...body.allow, ...body.deny].filter((c) => !isCountryCode(c));
    if (unknown.length) {
      throw new Invalid(`Not a country code: ${[...new Set(unknown)].join(', ')}.`, [{ field: 'body', message: `Unknown country codes: ${unknown.join(', ')}` }]);
    }
    const values = { allow: [...new Set(body.allow)].sort(), deny: [...new Set(body.deny)].sort(), updatedBy: ctx.actor!.userId };
    await this.db
      .insert(courseGeoRules)
      .values({ courseId, organizationId: course.organizationId, ...values })
      .onConflictDoUpdate({ target: courseGeoRules.courseId, set: { ...values, updatedAt: new Date() } });
    return this.get(ctx, courseId);
  }

  /** The viewer's country from the CDN/proxy header (null when absent or not a country: "XX", "T1"). */
  countryOf(headers: Record<string, string | string[] | undefined>): string | null {
    const raw = headers[this.header];
    const v = (Array.isArray(raw) ? raw[0] : raw)?.trim().toUpperCase();
    return v && isCountryCode(v) ? v : null;
  }

  /** Refuses (403) a viewer from a country the course's rules exclude. */
  async check(courseId: string, country: string | null, db: DbOrTx = this.db): Promise<void> {
    const row = await this.rulesOf(courseId, db);
    if (!row) return;
    if (country && row.deny.includes(country)) {
      throw new Forbidden(`This course is not available in ${countryName(country)}.`, 'geo_blocked');
    }
    if (row.allow.length && (!country || !row.allow.includes(country))) {
      throw new Forbidden(
        country ? `This course is not available in ${countryName(country)}.` : 'This course is available only in some countries, and we could not tell where you are.',
        'geo_blocked',
      );
    }
  }
}
