import { Alert, Button, Card, FileButton, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError, api, call } from '../../api';
import { ErrorState, formatDate, notifyError, usePageTitle } from '../../components/common';
import { CODE_PATTERN, type CredentialVerification, type PublicCertificate } from './model';

function Facts({ c }: { c: PublicCertificate }) {
  const { t, i18n } = useTranslation();
  const rows: [string, string][] = [
    [t('certificates.verify.learner'), c.learnerName],
    [t('certificates.verify.course'), c.courseTitle],
    [t('certificates.verify.completedAt'), formatDate(c.completedAt, i18n.language)],
    [t('certificates.verify.issuedAt'), formatDate(c.issuedAt, i18n.language)],
    [t('certificates.verify.issuer'), c.issuerName],
    [t('certificates.verify.signer'), c.signerTitle ? `${c.signerName}, ${c.signerTitle}` : c.signerName],
    [t('certificates.verify.certificateId'), c.code],
  ];
  return (
    <SimpleGrid component="dl" cols={{ base: 1, xs: 2 }} spacing="xs" verticalSpacing={4} m={0}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <Text component="dt" size="sm" c="dimmed">
            {k}
          </Text>
          <Text component="dd" m={0} fw={500} style={{ overflowWrap: 'anywhere' }}>
            {v}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

function CertificateStatus({ code }: { code: string }) {
  const { t, i18n } = useTranslation();
  const q = useQuery({
    queryKey: ['certificates', 'verify', code],
    queryFn: async () => {
      try {
        return await call<PublicCertificate>(api.GET('/api/v1/verify/{code}', { params: { path: { code } } }));
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return null;
        throw e;
      }
    },
  });
  if (q.isPending)
    return (
      <Stack aria-hidden="true">
        <Skeleton height={60} />
        <Skeleton height={120} />
      </Stack>
    );
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const c = q.data;
  if (!c)
    return (
      <Alert color="yellow" title={t('certificates.verify.notFound')} data-testid="verify-status" data-status="not_found">
        {t('certificates.verify.notFoundHint')}
      </Alert>
    );
  const valid = c.status === 'valid';
  return (
    <Card withBorder padding="lg">
      <Stack>
        <Alert color={valid ? 'green' : 'red'} title={valid ? t('certificates.verify.valid') : t('certificates.verify.revoked')} data-testid="verify-status" data-status={c.status}>
          {valid ? c.title : t('certificates.verify.revokedDetail', { date: formatDate(c.revokedAt, i18n.language), reason: c.revokedReason ?? '' })}
        </Alert>
        <Facts c={c} />
      </Stack>
    </Card>
  );
}

function Lookup() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const code = value.trim().toUpperCase();
    if (!CODE_PATTERN.test(code)) return setError(t('certificates.verify.lookupInvalid'));
    setError(undefined);
    navigate(`/verify/${code}`);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Group align="flex-end" gap="xs">
        <TextInput label={t('certificates.verify.lookupLabel')} placeholder={t('certificates.verify.lookupPlaceholder')} value={value} onChange={(e) => setValue(e.currentTarget.value)} error={error} style={{ flex: '1 1 220px' }} />
        <Button type="submit">{t('certificates.verify.lookup')}</Button>
      </Group>
    </form>
  );
}

function CredentialCheck() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const check = useMutation({
    mutationFn: (credential: string) => call<CredentialVerification>(api.POST('/api/v1/verify/credential', { body: { credential } })),
    onError: (e) => {
      if (e instanceof ApiError && e.fieldErrors['body.credential']) setError(e.fieldErrors['body.credential']);
      else notifyError(e, t);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (check.isPending) return;
    if (!text.trim()) return setError(t('certificates.verify.empty'));
    setError(undefined);
    check.mutate(text.trim());
  };
  const onFile = async (file: File | null) => {
    if (!file) return;
    setText((await file.text()).trim());
    check.reset();
  };
  const r = check.data;
  return (
    <Paper component="section" withBorder p="lg" aria-labelledby="credential-heading">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h3" id="credential-heading">
            {t('certificates.verify.credentialHeading')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('certificates.verify.credentialIntro')}
          </Text>
          <Textarea
            label={t('certificates.verify.credentialLabel')}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              check.reset();
            }}
            error={error}
            autosize
            minRows={4}
            maxRows={10}
            styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
          />
          <Group gap="xs">
            <Button type="submit" loading={check.isPending}>
              {t('certificates.verify.check')}
            </Button>
            <FileButton onChange={(f) => void onFile(f)} accept=".jwt,.json,application/json,application/ld+json,text/plain" inputProps={{ 'aria-label': t('certificates.verify.credentialFileLabel') }}>
              {(props) => (
                <Button {...props} variant="default">
                  {t('certificates.verify.credentialFile')}
                </Button>
              )}
            </FileButton>
          </Group>
          {r && (
            <Alert color={r.valid ? 'green' : 'red'} title={r.valid ? t('certificates.verify.resultValid') : t('certificates.verify.resultInvalid')} role="status" data-testid="credential-result" data-outcome={r.outcome}>
              <Stack gap={4}>
                <Text size="sm">{r.message}</Text>
                {r.certificate && (
                  <Text size="sm" fw={500}>
                    {t('certificates.verify.resultFor', { learner: r.certificate.learnerName, course: r.certificate.courseTitle, issuer: r.issuer?.name ?? r.certificate.issuerName })}
                  </Text>
                )}
              </Stack>
            </Alert>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

/** The public verification page: a certificate's state and facts (the QR code's target), and a credential checker. */
export function VerifyPage() {
  const { code } = useParams();
  const { t } = useTranslation();
  const normalized = code?.trim().toUpperCase();
  usePageTitle(normalized ? t('certificates.verify.titleWithCode', { code: normalized }) : t('certificates.verify.title'));
  return (
    <Stack maw={820} mx="auto" w="100%">
      <Title order={1}>{normalized ? t('certificates.verify.titleWithCode', { code: normalized }) : t('certificates.verify.title')}</Title>
      {normalized ? <CertificateStatus code={normalized} /> : <Lookup />}
      <CredentialCheck />
    </Stack>
  );
}
