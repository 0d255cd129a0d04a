import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { COURSE_LEVELS, COURSE_STATUSES, COURSE_VISIBILITIES, LESSON_TYPES } from './courses.types.js';

// ---------- shared field schemas ----------

export const slugSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens');

/** BCP 47 language tag, returned in canonical case (e.g. `pt-br` -> `pt-BR`). */
export const languageSchema = z
  .string()
  .min(2)
  .max(35)
  .transform((v, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(v);
      if (canonical) return canonical;
    } catch {
      /* invalid tag */
    }
    ctx.addIssue({ code: 'custom', message: 'not a BCP 47 language tag' });
    return z.NEVER;
  });

export const tagsSchema = z
  .array(z.string().trim().min(1).max(40))
  .max(20)
  .transform((tags) => [...new Set(tags.map((t) => t.toLowerCase()))]);

const title = z.string().trim().min(1).max(200);
const subtitle = z.string().trim().max(300);
const description = z.string().max(50_000);
const category = z.string().trim().min(1).max(60).nullable();
/** a storage key (or an http(s) URL) for the cover image */
const coverKey = z.string().trim().min(1).max(1000).nullable();
const instructorIds = z.array(z.uuid()).min(1).max(20);

export const CourseIdParams = z.strictObject({ id: z.uuid() });
export class CourseIdParamsDto extends createZodDto(CourseIdParams) {}

// ---------- requests ----------

export const CreateCourse = z.strictObject({
  title,
  slug: slugSchema.optional(),
  subtitle: subtitle.optional(),
  description: description.optional(),
  language: languageSchema.optional(),
  level: z.enum(COURSE_LEVELS).optional(),
  category: category.optional(),
  tags: tagsSchema.optional(),
  coverKey: coverKey.optional(),
  visibility: z.enum(COURSE_VISIBILITIES).optional(),
  isFree: z.boolean().optional(),
  /** besides the creator, who always teaches the course they create */
  instructorIds: z.array(z.uuid()).max(20).optional(),
});
export class CreateCourseDto extends createZodDto(CreateCourse) {}

export const UpdateCourse = z
  .strictObject({
    title: title.optional(),
    subtitle: subtitle.optional(),
    description: description.optional(),
    language: languageSchema.optional(),
    level: z.enum(COURSE_LEVELS).optional(),
    category: category.optional(),
    tags: tagsSchema.optional(),
    coverKey: coverKey.optional(),
    slug: slugSchema.optional(),
    visibility: z.enum(COURSE_VISIBILITIES).optional(),
    isFree: z.boolean().optional(),
    instructorIds: instructorIds.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export class UpdateCourseDto extends createZodDto(UpdateCourse) {}

export const ListCoursesQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(COURSE_STATUSES).optional(),
  /** words of the draft title or the slug (case-insensitive) */
  q: z.string().trim().max(200).optional(),
});
export class ListCoursesQueryDto extends createZodDto(ListCoursesQuery) {}

// ---------- responses ----------

const isoDate = z.iso.datetime({ offset: true });

export const InstructorOut = z.object({ userId: z.uuid(), name: z.string().nullable() });

export const LessonSummaryOut = z.object({
  id: z.uuid(),
  sectionId: z.uuid(),
  position: z.number().int(),
  title: z.string(),
  type: z.enum(LESSON_TYPES),
  isPreview: z.boolean(),
  required: z.boolean(),
  dripDays: z.number().int().nullable(),
  dripDate: isoDate.nullable(),
  prerequisiteLessonIds: z.array(z.uuid()),
  durationSeconds: z.number().int().nullable(),
});

export const SectionOut = z.object({
  id: z.uuid(),
  title: z.string(),
  position: z.number().int(),
  lessons: z.array(LessonSummaryOut),
});
export class DraftOutlineDto extends createZodDto(z.object({ sections: z.array(SectionOut) })) {}

export const CourseEditorOut = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  slug: z.string(),
  status: z.enum(COURSE_STATUSES),
  visibility: z.enum(COURSE_VISIBILITIES),
  isFree: z.boolean(),
  learnerCount: z.number().int(),
  liveVersion: z.number().int().nullable(),
  publishedAt: isoDate.nullable(),
  archivedAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  hasUnpublishedChanges: z.boolean(),
  instructors: z.array(InstructorOut),
  draft: z.object({
    title: z.string(),
    subtitle: z.string(),
    description: z.string(),
    /** sanitized HTML rendered from the markdown description */
    descriptionHtml: z.string(),
    language: z.string(),
    level: z.enum(COURSE_LEVELS),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    coverKey: z.string().nullable(),
    /** where a browser loads the cover from */
    coverUrl: z.string().nullable(),
  }),
  sections: z.array(SectionOut),
  /** what the caller may do, for the editor UI */
  can: z.object({ edit: z.boolean(), publish: z.boolean(), delete: z.boolean() }),
});
export type CourseEditorView = z.infer<typeof CourseEditorOut>;
export class CourseEditorDto extends createZodDto(CourseEditorOut) {}

export const CourseSummaryOut = z.object({
  id: z.uuid(),
  slug: z.string(),
  title: z.string(),
  status: z.enum(COURSE_STATUSES),
  visibility: z.enum(COURSE_VISIBILITIES),
  isFree: z.boolean(),
  learnerCount: z.number().int(),
  liveVersion: z.number().int().nullable(),
  publishedAt: isoDate.nullable(),
  hasUnpublishedChanges: z.boolean(),
  instructorIds: z.array(z.uuid()),
  /** the draft's cover, where a browser loads it from */
  coverUrl: z.string().nullable(),
  updatedAt: isoDate,
});
export type CourseSummary = z.infer<typeof CourseSummaryOut>;
export class CourseSummaryPageDto extends createZodDto(pageOf(CourseSummaryOut)) {}
