import { Skeleton, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorState, usePageTitle } from '../../components/common';
import { useMe, useSession } from '../../session';
import { ApiKeysCard } from './ApiKeysCard';
import { ChangePasswordCard } from './ChangePasswordCard';
import { TwoFactorCard } from './TwoFactorCard';

export function SecurityPage() {
  const { t } = useTranslation();
  const title = t('account.security.title');
  usePageTitle(title);
  const { user } = useSession();
  const me = useMe(!!user);
  return (
    <Stack maw={860} mx="auto" gap="lg">
      <Title order={1}>{title}</Title>
      <ChangePasswordCard />
      {me.isLoading ? (
        <Skeleton height={180} />
      ) : me.error || !me.data ? (
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      ) : (
        <TwoFactorCard me={me.data} />
      )}
      <ApiKeysCard />
    </Stack>
  );
}
