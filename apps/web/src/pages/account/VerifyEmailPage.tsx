import { Alert, Anchor, Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ErrorState, PageLoading, usePageTitle } from '../../components/common';
import { sessionKey, useMe, useSession } from '../../session';
import { ResendVerificationButton } from './ResendVerificationButton';
import { isEmail } from './validation';

/**
 * Where the confirmation link from the email lands. better-auth has already checked the token:
 * it redirects here signed in on success, or with `?error=INVALID_TOKEN|TOKEN_EXPIRED|…`.
 */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const title = t('account.verify.title');
  usePageTitle(title);
  const [params] = useSearchParams();
  const error = params.get('error');
  const qc = useQueryClient();
  const [refreshed, setRefreshed] = useState(false);

  // the redirect set a new session cookie: read the session and the profile again
  useEffect(() => {
    void Promise.all([qc.invalidateQueries({ queryKey: sessionKey }), qc.invalidateQueries({ queryKey: ['me'] })]).then(() => setRefreshed(true));
  }, [qc]);

  const { user, isLoading } = useSession();
  const me = useMe(!!user);

  let body;
  if (!refreshed || isLoading || (user && me.isLoading)) body = <PageLoading />;
  else if (error) body = <VerifyFailed code={error} email={user?.email ?? null} verified={!!me.data?.emailVerified} />;
  else if (!user)
    body = (
      <>
        <Text>{t('account.verify.signInToCheck')}</Text>
        <Button component={Link} to="/sign-in?next=%2Faccount">
          {t('nav.signIn')}
        </Button>
      </>
    );
  else if (me.error) body = <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  else if (me.data?.emailVerified)
    body = (
      <>
        <Alert color="green" role="status" title={t('account.verify.verifiedTitle')}>
          {t('account.verify.verified', { email: me.data.email })}
        </Alert>
        <Button component={Link} to="/my-learning">
          {t('account.verify.continue')}
        </Button>
      </>
    );
  else
    body = (
      <>
        <Alert color="yellow" role="status" title={t('account.verify.pendingTitle')}>
          {t('account.verify.pending', { email: me.data?.email ?? user.email })}
        </Alert>
        <ResendVerificationButton email={me.data?.email ?? user.email} />
      </>
    );

  return (
    <Paper maw={480} mx="auto" mt="lg" p="lg" withBorder>
      <Stack align="stretch">
        <Title order={1} size="h2">
          {title}
        </Title>
        {body}
      </Stack>
    </Paper>
  );
}

function VerifyFailed({ code, email, verified }: { code: string; email: string | null; verified: boolean }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const message = code.toUpperCase() === 'TOKEN_EXPIRED' ? t('account.verify.expired') : t('account.verify.invalid');
  const target = email ?? typed.trim();
  return (
    <>
      <Alert color="red" role="alert" title={t('account.verify.failedTitle')}>
        {message}
      </Alert>
      {email && verified ? (
        <Text>{t('account.verify.alreadyVerified', { email })}</Text>
      ) : null}
      {!email && (
        <TextInput label={t('auth.email')} type="email" autoComplete="email" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} />
      )}
      {email && verified ? null : isEmail(target) ? (
        <ResendVerificationButton email={target} variant="filled" />
      ) : (
        <Text size="sm" c="dimmed">
          {t('account.verify.enterEmail')}
        </Text>
      )}
      <Text size="sm">
        <Anchor component={Link} to="/">
          {t('account.verify.home')}
        </Anchor>
      </Text>
    </>
  );
}
