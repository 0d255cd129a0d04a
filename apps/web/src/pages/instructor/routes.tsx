import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const LearnersPage = lazy(() => import('./learners/LearnersPage'));

/** The instructor screens' routes, placed inside the app layout by App.tsx. */
export function instructorRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="teach/courses/:courseId/learners" element={<LearnersPage />} />
      </Route>
    </Fragment>
  );
}
