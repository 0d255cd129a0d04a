import { Fragment, lazy } from 'react';
import { Route } from 'react-router';
import { RequireAuth } from '../../components/RequireAuth';

const CartPage = lazy(() => import('./CartPage').then((m) => ({ default: m.CartPage })));
const CheckoutPage = lazy(() => import('./CheckoutPage').then((m) => ({ default: m.CheckoutPage })));
const OrderPage = lazy(() => import('./OrderPage').then((m) => ({ default: m.OrderPage })));
const MyOrdersPage = lazy(() => import('./MyOrdersPage').then((m) => ({ default: m.MyOrdersPage })));
const MyInvoicesPage = lazy(() => import('./MyInvoicesPage').then((m) => ({ default: m.MyInvoicesPage })));
const ShopAdminPage = lazy(() => import('./ShopAdminPage').then((m) => ({ default: m.ShopAdminPage })));
const BundlePage = lazy(() => import('./BundlePage').then((m) => ({ default: m.BundlePage })));
const PricingTab = lazy(() => import('./PricingTab').then((m) => ({ default: m.PricingTab })));

/** Cart, checkout, orders and the shop admin, placed by App.tsx. */
export function commerceRoutes() {
  return (
    <Fragment>
      <Route path="cart" element={<CartPage />} />
      <Route path="bundles/:bundleId" element={<BundlePage />} />
      <Route element={<RequireAuth />}>
        <Route path="checkout" element={<CheckoutPage />} />
        <Route path="orders/:orderId" element={<OrderPage />} />
        <Route path="my-orders" element={<MyOrdersPage />} />
        <Route path="my-invoices" element={<MyInvoicesPage />} />
        <Route path="shop" element={<ShopAdminPage />} />
      </Route>
    </Fragment>
  );
}

/** The course editor's Pricing tab (inside the instructor's course editor routes). */
export function pricingEditorRoute() {
  return <Route path="pricing" element={<PricingTab />} />;
}
