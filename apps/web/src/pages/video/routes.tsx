import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const VideoDetailPage = lazy(() => import('./VideoDetailPage').then((m) => ({ default: m.VideoDetailPage })));

/** The video processing screens, placed by App.tsx (the media library links its rows here). */
export function videoRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="teach/media/:assetId" element={<VideoDetailPage />} />
      </Route>
    </Fragment>
  );
}
