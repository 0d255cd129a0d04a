import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const GradebookTab = lazy(() => import('./GradebookTab').then((m) => ({ default: m.GradebookTab })));
const MyGradesPage = lazy(() => import('./MyGradesPage').then((m) => ({ default: m.MyGradesPage })));

/** The learner's grades page, placed inside the app layout by App.tsx. */
export function gradebookRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="my-learning/:courseId/grades" element={<MyGradesPage />} />
      </Route>
    </Fragment>
  );
}

/** The Gradebook tab, placed inside the course editor layout (instructor/routes.tsx). */
export function gradebookEditorRoute() {
  return <Route path="gradebook" element={<GradebookTab />} />;
}
