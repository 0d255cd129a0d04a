import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { CATALOG_SORTS } from './catalog.query.js';
import { COURSE_LEVELS, COURSE_VISIBILITIES, LESSON_TYPES } from './courses.types.js';
import { InstructorOut } from './courses.dto.js';

const isoDate = z.iso.datetime({ offset: true });

/** `tags=a,b` or `tags=a&tags=b` */
const tagList = z
  .union([z.string().max(1000), z.array(z.string().max(100)).max(20)])
  .transform((v) =>
    [...new Set((Array.isArray(v) ? v : v.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean))].slice(0, 20),
  );

export const CatalogQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().max(200).optional(),
  category: z.string().trim().min(1).max(60).optional(),
  level: z.enum(COURSE_LEVELS).optional(),
  language: z.string().trim().min(2).max(35).regex(/^[A-Za-z0-9-]+$/).optional(),
  tags: tagList.optional(),
  sort: z.enum(CATALOG_SORTS).optional(),
});
export class CatalogQueryDto extends createZodDto(CatalogQuery) {}

export const CatalogItemOut = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  slug: z.string(),
  title: z.string(),
  subtitle: z.string(),
  category: z.string().nullable(),
  level: z.enum(COURSE_LEVELS),
  language: z.string(),
  tags: z.array(z.string()),
  coverKey: z.string().nullable(),
  coverUrl: z.string().nullable(),
  isFree: z.boolean(),
  visibility: z.enum(COURSE_VISIBILITIES),
  learnerCount: z.number().int(),
  lessonCount: z.number().int(),
  durationSeconds: z.number().int(),
  publishedAt: isoDate,
});
export type CatalogItem = z.infer<typeof CatalogItemOut>;
export class CatalogPageDto extends createZodDto(pageOf(CatalogItemOut)) {}

export const CatalogCourseParams = z.strictObject({ idOrSlug: z.string().min(1).max(100) });
export class CatalogCourseParamsDto extends createZodDto(CatalogCourseParams) {}
export const CatalogCourseQuery = z.strictObject({
  /** disambiguates a slug that several organizations use */
  organizationId: z.uuid().optional(),
});
export class CatalogCourseQueryDto extends createZodDto(CatalogCourseQuery) {}

export const CatalogLessonParams = z.strictObject({ id: z.uuid(), lessonId: z.uuid() });
export class CatalogLessonParamsDto extends createZodDto(CatalogLessonParams) {}

const OutlineLessonOut = z.object({
  id: z.uuid(),
  position: z.number().int(),
  title: z.string(),
  type: z.enum(LESSON_TYPES),
  durationSeconds: z.number().int().nullable(),
  isPreview: z.boolean(),
  /** content needs enrollment (true for every non-preview lesson) */
  locked: z.boolean(),
});

export const CatalogCourseOut = CatalogItemOut.extend({
  descriptionHtml: z.string(),
  version: z.number().int(),
  instructors: z.array(InstructorOut),
  sections: z.array(z.object({ id: z.uuid(), position: z.number().int(), title: z.string(), lessons: z.array(OutlineLessonOut) })),
});
export type CatalogCourse = z.infer<typeof CatalogCourseOut>;
export class CatalogCourseDto extends createZodDto(CatalogCourseOut) {}

export const PreviewLessonOut = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  sectionId: z.uuid(),
  title: z.string(),
  type: z.enum(LESSON_TYPES),
  durationSeconds: z.number().int().nullable(),
  body: z.object({
    markdown: z.string().optional(),
    html: z.string().optional(),
    url: z.string().optional(),
    embedUrl: z.string().optional(),
  }),
});
export type PreviewLesson = z.infer<typeof PreviewLessonOut>;
export class PreviewLessonDto extends createZodDto(PreviewLessonOut) {}
