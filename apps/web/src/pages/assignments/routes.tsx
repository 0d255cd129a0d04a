import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const GradingPage = lazy(() => import('./GradingPage').then((m) => ({ default: m.GradingPage })));
const GroupsPage = lazy(() => import('./GroupsPage').then((m) => ({ default: m.GroupsPage })));

/** The assignment screens' routes (grading, groups), placed inside the app layout by App.tsx. */
export function assignmentsRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="teach/courses/:courseId/assignments/:lessonId/grade" element={<GradingPage />} />
        <Route path="teach/courses/:courseId/assignment-groups" element={<GroupsPage />} />
      </Route>
    </Fragment>
  );
}
