import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const VideoAnalyticsPage = lazy(() => import('./AnalyticsPage').then((m) => ({ default: m.VideoAnalyticsPage })));

/** The player area's pages (the player itself is embedded in the lesson pages), placed by App.tsx. */
export function playerRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="teach/videos/:videoId/analytics" element={<VideoAnalyticsPage />} />
      </Route>
    </Fragment>
  );
}
