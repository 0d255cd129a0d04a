import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { LessonSummaryOut } from './courses.dto.js';
import { LESSON_TYPES, type LessonType } from './courses.types.js';

const httpUrl = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(2000);

/** The body each lesson type accepts. Types whose editors arrive later take an empty body for now. */
export const LESSON_BODIES = {
  text: z.strictObject({ markdown: z.string().max(200_000) }),
  link: z
    .strictObject({ url: httpUrl.optional(), embedUrl: httpUrl.optional() })
    .refine((b) => b.url !== undefined || b.embedUrl !== undefined, { message: 'a link lesson needs url or embedUrl' }),
  video: z.strictObject({}),
  document: z.strictObject({}),
  quiz: z.strictObject({}),
  assignment: z.strictObject({}),
  code: z.strictObject({}),
} satisfies Record<LessonType, z.ZodType>;

export const LessonBody = z.union([
  z.strictObject({ markdown: z.string().max(200_000) }),
  z.strictObject({ url: httpUrl.optional(), embedUrl: httpUrl.optional() }),
  z.strictObject({}),
]);

/** Checks `body` against the body schema of `type`, adding issues under `body`. */
export function checkBody(type: LessonType, body: unknown, ctx: z.RefinementCtx): void {
  const r = LESSON_BODIES[type].safeParse(body);
  if (!r.success) {
    for (const issue of r.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['body', ...issue.path.map(String)], message: `${type} lesson: ${issue.message}` });
    }
  }
}

export const CourseSectionParams = z.strictObject({ id: z.uuid(), sectionId: z.uuid() });
export class CourseSectionParamsDto extends createZodDto(CourseSectionParams) {}
export const CourseLessonParams = z.strictObject({ id: z.uuid(), lessonId: z.uuid() });
export class CourseLessonParamsDto extends createZodDto(CourseLessonParams) {}

export const CreateSection = z.strictObject({
  title: z.string().trim().min(1).max(200),
  /** 0-based; omitted: at the end */
  position: z.number().int().min(0).optional(),
});
export class CreateSectionDto extends createZodDto(CreateSection) {}

export const UpdateSection = z.strictObject({ title: z.string().trim().min(1).max(200) });
export class UpdateSectionDto extends createZodDto(UpdateSection) {}

export const SectionOut = z.object({ id: z.uuid(), title: z.string(), position: z.number().int() });
export class SectionDto extends createZodDto(SectionOut) {}

const lessonFields = {
  title: z.string().trim().min(1).max(200),
  isPreview: z.boolean(),
  required: z.boolean(),
  /** available N days after enrollment */
  dripDays: z.number().int().min(0).max(3650).nullable(),
  /** available from this instant */
  dripDate: z.iso.datetime({ offset: true }).nullable(),
  prerequisiteLessonIds: z.array(z.uuid()).max(50),
  durationSeconds: z.number().int().min(0).max(1_000_000).nullable(),
};

const notBothDrip = (v: { dripDays?: number | null; dripDate?: string | null }, ctx: z.RefinementCtx) => {
  if (v.dripDays != null && v.dripDate != null) {
    ctx.addIssue({ code: 'custom', path: ['dripDate'], message: 'drip is either dripDays or dripDate, not both' });
  }
};

export const CreateLesson = z
  .strictObject({
    title: lessonFields.title,
    type: z.enum(LESSON_TYPES),
    body: LessonBody.optional(),
    isPreview: lessonFields.isPreview.optional(),
    required: lessonFields.required.optional(),
    dripDays: lessonFields.dripDays.optional(),
    dripDate: lessonFields.dripDate.optional(),
    prerequisiteLessonIds: lessonFields.prerequisiteLessonIds.optional(),
    durationSeconds: lessonFields.durationSeconds.optional(),
    /** 0-based within the section; omitted: at the end */
    position: z.number().int().min(0).optional(),
  })
  .superRefine((v, ctx) => {
    notBothDrip(v, ctx);
    // text lessons may start empty; link lessons need their URL from the start
    if (v.body !== undefined || v.type === 'link') checkBody(v.type, v.body ?? {}, ctx);
  });
export class CreateLessonDto extends createZodDto(CreateLesson) {}

export const UpdateLesson = z
  .strictObject({
    title: lessonFields.title.optional(),
    type: z.enum(LESSON_TYPES).optional(),
    body: LessonBody.optional(),
    isPreview: lessonFields.isPreview.optional(),
    required: lessonFields.required.optional(),
    dripDays: lessonFields.dripDays.optional(),
    dripDate: lessonFields.dripDate.optional(),
    prerequisiteLessonIds: lessonFields.prerequisiteLessonIds.optional(),
    durationSeconds: lessonFields.durationSeconds.optional(),
  })
  .superRefine((v, ctx) => {
    if (Object.keys(v).length === 0) ctx.addIssue({ code: 'custom', message: 'nothing to change' });
    notBothDrip(v, ctx);
    if (v.type !== undefined && v.body !== undefined) checkBody(v.type, v.body, ctx);
  });
export class UpdateLessonDto extends createZodDto(UpdateLesson) {}

export const DraftLessonOut = LessonSummaryOut.extend({
  body: z.object({ markdown: z.string().optional(), url: z.string().optional(), embedUrl: z.string().optional() }),
  /** text lessons: the sanitized HTML learners will see */
  html: z.string().nullable(),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type DraftLessonView = z.infer<typeof DraftLessonOut>;
export class DraftLessonDto extends createZodDto(DraftLessonOut) {}

export const ReorderSections = z.strictObject({ sectionIds: z.array(z.uuid()).max(500) });
export class ReorderSectionsDto extends createZodDto(ReorderSections) {}

export const ReorderLessons = z.strictObject({
  sections: z.array(z.strictObject({ sectionId: z.uuid(), lessonIds: z.array(z.uuid()).max(1000) })).max(500),
});
export class ReorderLessonsDto extends createZodDto(ReorderLessons) {}
