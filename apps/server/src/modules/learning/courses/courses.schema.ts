import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, timestamps, uuidv7Pk } from '../../../kernel/db/index.js';
import { COURSE_LEVELS, COURSE_STATUSES, COURSE_VISIBILITIES, LESSON_TYPES } from './courses.types.js';
import type { CourseSnapshot, DraftLessonBody } from './courses.snapshot.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * A course: its settings (slug, status, visibility, price flag, instructors) apply at once; its
 * content is edited in the draft tables and reaches learners only through a published version.
 * The `live_*` columns are the catalog's projection of the live version (searchable, indexed), so
 * the catalog list is one query on this table.
 */
export const courses = pgTable(
  'courses',
  {
    id: uuidv7Pk(),
    /** identity's organization id (no FK: identity's tables are not referenced from here) */
    organizationId: uuid('organization_id').notNull(),
    slug: text('slug').notNull(),
    status: text('status', { enum: COURSE_STATUSES }).notNull().default('draft'),
    visibility: text('visibility', { enum: COURSE_VISIBILITIES }).notNull().default('organization'),
    isFree: boolean('is_free').notNull().default(true),
    /** read model: active enrollments, kept by the EnrollmentCreated/Revoked subscriber */
    learnerCount: integer('learner_count').notNull().default(0),
    liveVersion: integer('live_version'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    firstPublishedAt: timestamp('first_published_at', { withTimezone: true }),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdBy: uuid('created_by').notNull(),
    liveTitle: text('live_title'),
    liveSubtitle: text('live_subtitle'),
    liveDescription: text('live_description'),
    liveLanguage: text('live_language'),
    liveLevel: text('live_level', { enum: COURSE_LEVELS }),
    liveCategory: text('live_category'),
    liveTags: text('live_tags').array(),
    liveCoverKey: text('live_cover_key'),
    liveDurationSeconds: integer('live_duration_seconds'),
    liveLessonCount: integer('live_lesson_count'),
    /** lower(unaccent(title)) for typo-tolerant trigram matching */
    searchTitle: text('search_title'),
    /** weighted title (A), subtitle (B), description (C), tags and category (B), written at publish */
    searchVector: tsvector('search_vector'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('courses_org_slug_uq').on(t.organizationId, t.slug),
    index('courses_org_idx').on(t.organizationId, t.id),
    // read-heavy, rarely written: no GIN pending list, so searches never scan unmerged entries
    index('courses_search_gin').using('gin', t.searchVector).with({ fastupdate: 'off' }),
    index('courses_search_title_trgm').using('gin', sql`${t.searchTitle} gin_trgm_ops`).with({ fastupdate: 'off' }),
    index('courses_live_tags_gin').using('gin', t.liveTags),
    index('courses_catalog_newest_idx')
      .on(t.firstPublishedAt.desc(), t.id.desc())
      .where(sql`${t.status} = 'published'`),
    index('courses_catalog_popular_idx')
      .on(t.learnerCount.desc(), t.id.desc())
      .where(sql`${t.status} = 'published'`),
  ],
);

/** The draft of a course's descriptive content (one row per course). */
export const courseDrafts = pgTable('course_drafts', {
  courseId: uuid('course_id')
    .primaryKey()
    .references(() => courses.id, { onDelete: 'cascade' }),
  organizationId: uuid('organization_id').notNull(),
  title: text('title').notNull(),
  subtitle: text('subtitle').notNull().default(''),
  /** markdown */
  description: text('description').notNull().default(''),
  language: text('language').notNull().default('en'),
  level: text('level', { enum: COURSE_LEVELS }).notNull().default('all'),
  category: text('category'),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  coverKey: text('cover_key'),
  /** true when the draft (content or curriculum) differs from the live version */
  hasUnpublishedChanges: boolean('has_unpublished_changes').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const courseDraftSections = pgTable(
  'course_draft_sections',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    position: integer('position').notNull(),
    ...timestamps(),
  },
  (t) => [index('course_draft_sections_course_idx').on(t.courseId, t.position)],
);

export const courseDraftLessons = pgTable(
  'course_draft_lessons',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    sectionId: uuid('section_id')
      .notNull()
      .references(() => courseDraftSections.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    type: text('type', { enum: LESSON_TYPES }).notNull(),
    body: jsonb('body').$type<DraftLessonBody>().notNull().default({}),
    isPreview: boolean('is_preview').notNull().default(false),
    required: boolean('required').notNull().default(true),
    dripDays: integer('drip_days'),
    dripDate: timestamp('drip_date', { withTimezone: true }),
    prerequisiteLessonIds: uuid('prerequisite_lesson_ids').array().notNull().default(sql`'{}'::uuid[]`),
    durationSeconds: integer('duration_seconds'),
    ...timestamps(),
  },
  (t) => [
    index('course_draft_lessons_course_idx').on(t.courseId),
    index('course_draft_lessons_section_idx').on(t.sectionId, t.position),
    check('course_draft_lessons_drip_ck', sql`${t.dripDays} IS NULL OR ${t.dripDate} IS NULL`),
  ],
);

/** Immutable published versions: the live one is `courses.live_version`. */
export const courseVersions = pgTable(
  'course_versions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').$type<CourseSnapshot>().notNull(),
    publishedBy: uuid('published_by').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('course_versions_course_version_uq').on(t.courseId, t.version)],
);

export const courseInstructors = pgTable(
  'course_instructors',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => courses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    organizationId: uuid('organization_id').notNull(),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index('course_instructors_user_idx').on(t.userId, t.organizationId)],
);
