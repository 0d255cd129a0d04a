import { useTranslation } from 'react-i18next';
import { useOutletContext } from 'react-router';
import { usePageTitle } from '../../../components/common';
import type { CourseEditor } from '../model';
import { LearnersPanel } from './LearnersPanel';

/** The course editor's Learners tab (/teach/courses/:courseId/learners). */
export function LearnersTab() {
  const { t } = useTranslation();
  const course = useOutletContext<CourseEditor>();
  usePageTitle(t('roster.pageTitle', { title: course.draft.title }));
  return <LearnersPanel courseId={course.id} />;
}
