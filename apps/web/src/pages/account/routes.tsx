import { Fragment } from 'react';

/** The account screens' routes, placed inside the app layout by App.tsx. */
export function accountRoutes() {
  return <Fragment />;
}
