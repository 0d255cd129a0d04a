import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { courseState, type CourseEditor } from './model';

const COLORS = { draft: 'gray', published: 'green', changed: 'orange', archived: 'red' } as const;

/** The course's status and draft/live state in words ("Published, with unpublished changes"). */
export function StatusBadge({ course, size = 'md' }: { course: Pick<CourseEditor, 'status' | 'hasUnpublishedChanges'>; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  const state = courseState(course);
  return (
    <Badge color={COLORS[state]} variant="light" size={size} data-testid="course-state" style={{ textTransform: 'none' }}>
      {t(`instructor.state.${state}`)}
    </Badge>
  );
}
