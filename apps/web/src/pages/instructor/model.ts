import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@lyceum/api-client';
import { api, call } from '../../api';

type S = components['schemas'];

export type CourseEditor = S['CourseEditorDto_Output'];
export type CourseSummaryPage = S['CourseSummaryPageDto_Output'];
export type CourseSummary = CourseSummaryPage['items'][number];
export type CourseStatus = CourseEditor['status'];
export type CourseLevel = CourseEditor['draft']['level'];
export type CourseVisibility = CourseEditor['visibility'];
export type EditorSection = CourseEditor['sections'][number];
export type EditorLesson = EditorSection['lessons'][number];
export type LessonType = EditorLesson['type'];
export type DraftLesson = S['DraftLessonDto_Output'];
export type DraftOutline = S['DraftOutlineDto_Output'];
export type UpdateCourseBody = S['UpdateCourseDto'];
export type UpdateLessonBody = S['UpdateLessonDto'];

export const LEVELS: CourseLevel[] = ['beginner', 'intermediate', 'advanced', 'all'];
export const VISIBILITIES: CourseVisibility[] = ['organization', 'public'];
/** Lesson types whose content can be edited here. */
export const EDITABLE_LESSON_TYPES: LessonType[] = ['text', 'link'];

export const courseKey = (courseId: string) => ['instructor', 'course', courseId] as const;
export const lessonKey = (courseId: string, lessonId: string) => ['instructor', 'course', courseId, 'lesson', lessonId] as const;

/** The editor view of one course (settings, draft, outline, what the caller may do). */
export function useCourse(courseId: string) {
  return useQuery({
    queryKey: courseKey(courseId),
    queryFn: () => call<CourseEditor>(api.GET('/api/v1/courses/{id}', { params: { path: { id: courseId } } })),
  });
}

/** Keeps the cached editor view and the dashboard in step after a change. */
export function useCourseCache(courseId: string) {
  const qc = useQueryClient();
  return {
    set: (course: CourseEditor) => {
      qc.setQueryData(courseKey(courseId), course);
      void qc.invalidateQueries({ queryKey: ['instructor', 'courses'] });
      void qc.invalidateQueries({ queryKey: ['catalog'] });
    },
    setSections: (sections: EditorSection[]) =>
      qc.setQueryData<CourseEditor>(courseKey(courseId), (old) => (old ? { ...old, sections, hasUnpublishedChanges: true } : old)),
    get: () => qc.getQueryData<CourseEditor>(courseKey(courseId)),
    refetch: () => qc.invalidateQueries({ queryKey: courseKey(courseId) }),
  };
}

/** "published" / "published with unpublished changes" / "draft" / "archived". */
export type CourseState = 'draft' | 'published' | 'changed' | 'archived';
export function courseState(c: Pick<CourseEditor, 'status' | 'hasUnpublishedChanges'>): CourseState {
  if (c.status === 'published') return c.hasUnpublishedChanges ? 'changed' : 'published';
  return c.status;
}

/** Lessons of the outline in reading order. */
export function flatLessons(sections: EditorSection[]): EditorLesson[] {
  return sections.flatMap((s) => s.lessons);
}

