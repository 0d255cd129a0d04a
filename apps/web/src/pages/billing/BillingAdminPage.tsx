import { Divider, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageLoading, usePageTitle } from '../../components/common';
import { usePermissions } from '../../session';
import { NotFoundPage } from '../NotFoundPage';
import { PlansAdmin } from './PlansAdmin';
import { SeatsAdmin } from './SeatsAdmin';
import { SubscriptionsAdmin } from './SubscriptionsAdmin';
import { TestClockAdmin } from './TestClockAdmin';

/** Organization billing admin: plans, seat licences, subscriptions with their charges and refunds, and (outside production) the test clock. */
export function BillingAdminPage() {
  const { t } = useTranslation();
  usePageTitle(t('billing.admin.title'));
  const perms = usePermissions();
  if (perms.isLoading) return <PageLoading />;
  if (!perms.can('billing.manage')) return <NotFoundPage />;
  return (
    <Stack gap="xl">
      <Title order={1}>{t('billing.admin.title')}</Title>
      <TestClockAdmin />
      <Divider />
      <PlansAdmin />
      <Divider />
      <SeatsAdmin />
      <Divider />
      <SubscriptionsAdmin />
    </Stack>
  );
}
