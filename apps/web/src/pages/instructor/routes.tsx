import { Fragment } from 'react';

/** The instructor screens' routes, placed inside the app layout by App.tsx. */
export function instructorRoutes() {
  return <Fragment />;
}
