import { Anchor, Badge, Button, Card, Group, Image, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { EmptyState, ErrorState, formatDate, notifyError, usePageTitle } from '../../components/common';
import { downloadFile, mineKey, type Certificate, type CertificatePage, type OpenBadgeCredential } from './model';

function CertificateCard({ c }: { c: Certificate }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState<'json' | 'jwt' | null>(null);
  const badge = async (format: 'json' | 'jwt') => {
    setBusy(format);
    try {
      const cred = await call<OpenBadgeCredential>(api.GET('/api/v1/certificates/{certificateId}/credential', { params: { path: { certificateId: c.id } } }));
      if (format === 'jwt') downloadFile(`open-badge-${c.code}.jwt`, 'application/jwt', cred.jwt);
      else downloadFile(`open-badge-${c.code}.json`, 'application/ld+json', JSON.stringify(cred.credential, null, 2));
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby={`cert-${c.id}`} data-testid="certificate-card">
      <Stack gap="xs">
        <Image src={c.badgeImageUrl} w={96} h={96} fit="contain" alt={t('certificates.mine.badgeAlt', { course: c.courseTitle })} data-testid="badge-image" />
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={2} size="h4" id={`cert-${c.id}`} style={{ overflowWrap: 'anywhere' }}>
            {c.courseTitle}
          </Title>
          <Badge color={c.status === 'valid' ? 'green' : 'red'} variant="light">
            {t(`certificates.status.${c.status}`)}
          </Badge>
        </Group>
        <Text size="sm">{c.title}</Text>
        <Text size="sm" c="dimmed">
          {t('certificates.mine.issuedBy', { issuer: c.issuerName, date: formatDate(c.issuedAt, i18n.language) })}
        </Text>
        <Text size="sm" ff="monospace">
          {t('certificates.mine.id', { code: c.code })}
        </Text>
        {c.status === 'revoked' && (
          <Text size="sm" c="red">
            {t('certificates.mine.revokedOn', { date: formatDate(c.revokedAt, i18n.language), reason: c.revokedReason ?? '' })}
          </Text>
        )}
        <Group gap="xs" mt="xs">
          {c.pdfUrl ? (
            <Button component="a" href={c.pdfUrl} download={`certificate-${c.code}.pdf`} aria-label={t('certificates.mine.downloadPdfOf', { course: c.courseTitle })}>
              {t('certificates.mine.downloadPdf')}
            </Button>
          ) : (
            <Text size="sm" c="dimmed" role="status">
              {t('certificates.mine.preparing')}
            </Text>
          )}
          <Button variant="default" loading={busy === 'json'} disabled={!!busy} onClick={() => void badge('json')} aria-label={t('certificates.mine.downloadBadgeOf', { course: c.courseTitle })}>
            {t('certificates.mine.downloadBadge')}
          </Button>
          <Button variant="default" loading={busy === 'jwt'} disabled={!!busy} onClick={() => void badge('jwt')} aria-label={t('certificates.mine.downloadJwtOf', { course: c.courseTitle })}>
            {t('certificates.mine.downloadJwt')}
          </Button>
          <Anchor component={Link} to={`/verify/${c.code}`} size="sm" aria-label={t('certificates.mine.verifyPageOf', { course: c.courseTitle })}>
            {t('certificates.mine.verifyPage')}
          </Anchor>
        </Group>
      </Stack>
    </Card>
  );
}

/** The learner's certificates, each with its PDF and its Open Badge. */
export function MyCertificatesPage() {
  const { t } = useTranslation();
  usePageTitle(t('certificates.mine.title'));
  const list = useInfiniteQuery({
    queryKey: mineKey,
    queryFn: ({ pageParam }) => call<CertificatePage>(api.GET('/api/v1/me/certificates', { params: { query: { limit: 20, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // a PDF still being rendered shows up within seconds
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((c) => !c.pdfReady)) ? 2000 : false),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={1}>{t('certificates.mine.title')}</Title>
      {list.isPending ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }} aria-hidden="true">
          <Skeleton height={200} />
          <Skeleton height={200} />
        </SimpleGrid>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          title={t('certificates.mine.empty')}
          hint={t('certificates.mine.emptyHint')}
          action={
            <Button component={Link} to="/catalog">
              {t('certificates.mine.browse')}
            </Button>
          }
        />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {items.map((c) => (
            <CertificateCard key={c.id} c={c} />
          ))}
        </SimpleGrid>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('certificates.mine.more')}
        </Button>
      )}
    </Stack>
  );
}
