import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';
import { gradebookEditorRoute } from '../gradebook/routes';
import { pricingEditorRoute } from '../commerce/routes';

const TeachDashboard = lazy(() => import('./TeachDashboard').then((m) => ({ default: m.TeachDashboard })));
const CourseEditorLayout = lazy(() => import('./CourseEditorLayout').then((m) => ({ default: m.CourseEditorLayout })));
const CourseDetailsPage = lazy(() => import('./CourseDetailsPage').then((m) => ({ default: m.CourseDetailsPage })));
const CurriculumPage = lazy(() => import('./CurriculumPage').then((m) => ({ default: m.CurriculumPage })));
const LessonEditorPage = lazy(() => import('./LessonEditorPage').then((m) => ({ default: m.LessonEditorPage })));
const CertificateTab = lazy(() => import('../certificates/CertificateTab').then((m) => ({ default: m.CertificateTab })));
const LearnersTab = lazy(() => import('./learners/LearnersTab').then((m) => ({ default: m.LearnersTab })));

/** The instructor screens' routes, placed inside the app layout by App.tsx. */
export function instructorRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="teach" element={<TeachDashboard />} />
        <Route path="teach/courses/:courseId" element={<CourseEditorLayout />}>
          <Route index element={<CourseDetailsPage />} />
          <Route path="curriculum" element={<CurriculumPage />} />
          <Route path="lessons/:lessonId" element={<LessonEditorPage />} />
          <Route path="learners" element={<LearnersTab />} />
          <Route path="certificate" element={<CertificateTab />} />
          {gradebookEditorRoute()}
          {pricingEditorRoute()}
        </Route>
      </Route>
    </Fragment>
  );
}
