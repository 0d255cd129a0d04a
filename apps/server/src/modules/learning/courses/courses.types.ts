/**
 * The public shapes other modules read through `CoursesService` (see index.ts). They describe the
 * course settings and the LIVE (published) curriculum only: drafts never leave this module.
 */
export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

export const COURSE_VISIBILITIES = ['public', 'organization'] as const;
export type CourseVisibility = (typeof COURSE_VISIBILITIES)[number];

export const COURSE_LEVELS = ['beginner', 'intermediate', 'advanced', 'all'] as const;
export type CourseLevel = (typeof COURSE_LEVELS)[number];

export const LESSON_TYPES = ['text', 'link', 'video', 'document', 'quiz', 'assignment', 'code'] as const;
export type LessonType = (typeof LESSON_TYPES)[number];

export interface CourseInfo {
  id: string;
  organizationId: string;
  /** the live title when the course has a published version, else the draft title */
  title: string;
  slug: string;
  status: CourseStatus;
  visibility: CourseVisibility;
  /** free courses allow self-enrollment (prices arrive with commerce) */
  isFree: boolean;
  /** the live category (what the catalog filters by), null when none or never published */
  category: string | null;
  instructorIds: string[];
  /** the version learners see, null until first published */
  liveVersion: number | null;
  /** when the live version was published */
  publishedAt: Date | null;
}

export interface LiveLesson {
  id: string;
  sectionId: string;
  sectionTitle: string;
  sectionPosition: number;
  position: number;
  title: string;
  type: LessonType;
  /** free preview: visible in the catalog without enrollment */
  isPreview: boolean;
  /** counts toward course progress */
  required: boolean;
  /** available N days after enrollment (null: no delay) */
  dripDays: number | null;
  /** available from this instant (null: no date) */
  dripDate: Date | null;
  prerequisiteLessonIds: string[];
  durationSeconds: number | null;
}

export interface LiveLessonBody {
  markdown?: string;
  /** sanitized HTML rendered from `markdown` */
  html?: string;
  url?: string;
  embedUrl?: string;
}

export type LiveLessonContent = LiveLesson & { body: LiveLessonBody };
