import { Fragment } from 'react';

/** The admin screens' routes, placed inside the app layout by App.tsx. */
export function adminRoutes() {
  return <Fragment />;
}
