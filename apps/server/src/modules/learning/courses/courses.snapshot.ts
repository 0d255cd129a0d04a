import type { CourseLevel, LessonType, LiveLessonBody } from './courses.types.js';

/** What a draft lesson stores in `body`, by type (text: markdown; link: url/embedUrl; others: empty for now). */
export interface DraftLessonBody {
  markdown?: string;
  url?: string;
  embedUrl?: string;
}

export interface SnapshotLesson {
  id: string;
  position: number;
  title: string;
  type: LessonType;
  isPreview: boolean;
  required: boolean;
  dripDays: number | null;
  /** ISO 8601 */
  dripDate: string | null;
  prerequisiteLessonIds: string[];
  durationSeconds: number | null;
  /** markdown is rendered to sanitized HTML once, at publish */
  body: LiveLessonBody;
}

export interface SnapshotSection {
  id: string;
  position: number;
  title: string;
  lessons: SnapshotLesson[];
}

/** The immutable content of one published version (course_versions.snapshot). */
export interface CourseSnapshot {
  schemaVersion: 1;
  course: {
    title: string;
    subtitle: string;
    description: string;
    descriptionHtml: string;
    language: string;
    level: CourseLevel;
    category: string | null;
    tags: string[];
    coverKey: string | null;
  };
  sections: SnapshotSection[];
}
