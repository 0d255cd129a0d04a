import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { GRADE_SOURCES, GRADING_MODES, OVERRIDE_ACTIONS } from './gradebook.schema.js';

const isoDate = z.iso.datetime({ offset: true });
/** a percentage with at most 2 decimals */
const percent = z.number().min(0).max(100).multipleOf(0.01);

export const CourseParams = z.strictObject({ courseId: z.uuid() });
export class GradebookCourseParamsDto extends createZodDto(CourseParams) {}

export const ItemParams = z.strictObject({ courseId: z.uuid(), lessonId: z.uuid() });
export class GradebookItemParamsDto extends createZodDto(ItemParams) {}

export const GradebookQuery = z.strictObject({
  ...pageQuery,
  /** matches a learner's name or email */
  q: z.string().trim().max(200).optional(),
});
export class GradebookQueryDto extends createZodDto(GradebookQuery) {}

export const PutSettings = z.strictObject({
  mode: z.enum(GRADING_MODES),
  passingPercent: percent,
});
export class PutGradebookSettingsDto extends createZodDto(PutSettings) {}

export const PutCategories = z.strictObject({
  categories: z
    .array(
      z.strictObject({
        /** an existing category to keep (its items stay in it); absent: a new one */
        id: z.uuid().optional(),
        name: z.string().trim().min(1).max(80),
        weight: percent,
      }),
    )
    .max(20),
});
export class PutGradebookCategoriesDto extends createZodDto(PutCategories) {}

export const PatchItem = z
  .strictObject({
    categoryId: z.uuid().nullable().optional(),
    weight: z.number().min(0).max(1000).multipleOf(0.01).optional(),
    points: z.number().min(0).max(100000).multipleOf(0.01).nullable().optional(),
    required: z.boolean().optional(),
    excluded: z.boolean().optional(),
    passingPercent: percent.nullable().optional(),
    dueAt: isoDate.nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Send at least one setting to change.' });
export class PatchGradebookItemDto extends createZodDto(PatchItem) {}

export const SetOverride = z.strictObject({
  userId: z.uuid(),
  /** the item to override; null overrides the final grade */
  lessonId: z.uuid().nullable(),
  /** the new percent; null removes the override (the reported or computed value counts again) */
  percent: percent.nullable(),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters).').max(500),
});
export class SetGradeOverrideDto extends createZodDto(SetOverride) {}

export const HistoryQuery = z.strictObject({ ...pageQuery, userId: z.uuid().optional() });
export class OverrideHistoryQueryDto extends createZodDto(HistoryQuery) {}

const CategoryView = z.object({ id: z.uuid(), name: z.string(), weight: z.number(), position: z.number().int() });

export const ItemView = z.object({
  lessonId: z.uuid(),
  title: z.string(),
  type: z.enum(GRADE_SOURCES),
  sectionTitle: z.string(),
  categoryId: z.uuid().nullable(),
  weight: z.number(),
  points: z.number().nullable(),
  required: z.boolean(),
  excluded: z.boolean(),
  passingPercent: z.number().nullable(),
  dueAt: isoDate.nullable(),
  /** the max score last reported for the item; null until a grade arrives */
  maxScore: z.number().nullable(),
});

export const GradebookSetup = z.object({
  courseId: z.uuid(),
  mode: z.enum(GRADING_MODES),
  passingPercent: z.number(),
  categories: z.array(CategoryView),
  items: z.array(ItemView),
});
export class GradebookSetupDto extends createZodDto(GradebookSetup) {}

const ITEM_STATUSES = ['graded', 'pending', 'missing', 'zero', 'excluded'] as const;

export const CellView = z.object({
  lessonId: z.uuid(),
  /** graded; pending (manual grading); missing (not due, not counted); zero (due, counted as 0); excluded */
  status: z.enum(ITEM_STATUSES),
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  /** the percent that counts (override or reported) */
  percent: z.number().nullable(),
  reportedPercent: z.number().nullable(),
  overridden: z.boolean(),
  overrideReason: z.string().nullable(),
  counted: z.boolean(),
  passed: z.boolean(),
  source: z.enum(GRADE_SOURCES).nullable(),
  sourceId: z.uuid().nullable(),
  gradedAt: isoDate.nullable(),
});

export const LearnerGrades = z.object({
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  cells: z.array(CellView),
  categories: z.array(z.object({ categoryId: z.uuid(), percent: z.number().nullable() })),
  computedPercent: z.number().nullable(),
  finalPercent: z.number().nullable(),
  finalOverridden: z.boolean(),
  finalOverrideReason: z.string().nullable(),
  passed: z.boolean(),
  requiredItems: z.number().int(),
  requiredItemsPassed: z.boolean(),
});
export class LearnerGradesDto extends createZodDto(LearnerGrades) {}

export const GradebookTable = z.object({ setup: GradebookSetup, learners: pageOf(LearnerGrades) });
export class GradebookTableDto extends createZodDto(GradebookTable) {}

export const OverrideLogEntry = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  learnerName: z.string().nullable(),
  lessonId: z.uuid().nullable(),
  /** the item's title; null for the final grade */
  lessonTitle: z.string().nullable(),
  action: z.enum(OVERRIDE_ACTIONS),
  oldPercent: z.number().nullable(),
  newPercent: z.number().nullable(),
  reason: z.string(),
  actorId: z.uuid(),
  actorName: z.string(),
  createdAt: isoDate,
});
export class OverrideHistoryPageDto extends createZodDto(pageOf(OverrideLogEntry)) {}

export const MyGrades = z.object({
  courseId: z.uuid(),
  courseTitle: z.string(),
  mode: z.enum(GRADING_MODES),
  passingPercent: z.number(),
  items: z.array(
    ItemView.pick({ lessonId: true, title: true, type: true, sectionTitle: true, categoryId: true, required: true, dueAt: true }).extend(
      CellView.pick({ status: true, score: true, maxScore: true, percent: true, overridden: true, passed: true, gradedAt: true, source: true, sourceId: true }).shape,
    ),
  ),
  categories: z.array(CategoryView.extend({ percent: z.number().nullable() })),
  finalPercent: z.number().nullable(),
  passed: z.boolean(),
  requiredItems: z.number().int(),
  requiredItemsPassed: z.boolean(),
});
export class MyGradesDto extends createZodDto(MyGrades) {}
