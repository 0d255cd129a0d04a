import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const MediaLibraryPage = lazy(() => import('./MediaLibraryPage').then((m) => ({ default: m.MediaLibraryPage })));

/** The media library's routes (the video detail page `/teach/media/:assetId` belongs to video processing), placed by App.tsx. */
export function mediaRoutes() {
  return (
    <Fragment>
      <Route element={<RequireAuth />}>
        <Route path="teach/media" element={<MediaLibraryPage />} />
      </Route>
    </Fragment>
  );
}
