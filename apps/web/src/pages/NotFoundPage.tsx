import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState, usePageTitle } from '../components/common';

export function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t('errors.notFoundTitle'));
  return (
    <>
      <h1 className="visually-hidden-inline">
        {t('errors.notFoundTitle')}
      </h1>
      <EmptyState
        title={t('errors.notFound')}
        action={
          <Button component={Link} to="/">
            {t('errors.goHome')}
          </Button>
        }
      />
    </>
  );
}
