import { Anchor, Badge, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { EmptyState, ErrorState, formatDate, LoadMore, PageLoading, usePageTitle } from '../../components/common';
import { formatMoney, type Invoice, type InvoicePage, myInvoicesKey } from './model';

const STATUS_COLOR: Record<Invoice['status'], string> = { paid: 'green', partially_refunded: 'orange', refunded: 'gray' };

/** What an invoice is for, linked to it: the order, or the subscription it billed. */
function InvoiceFor({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation();
  return invoice.source === 'order' ? (
    <Anchor component={Link} to={`/orders/${invoice.sourceId}`}>
      {t('commerce.invoices.forOrder')}
    </Anchor>
  ) : (
    <Anchor component={Link} to="/my-subscription">
      {t('commerce.invoices.forSubscription')}
    </Anchor>
  );
}

/** Every invoice the signed-in person was issued (course orders and subscription charges), each with its PDF. */
export function MyInvoicesPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('commerce.invoices.title'));
  const list = useInfiniteQuery({
    queryKey: myInvoicesKey,
    queryFn: ({ pageParam }) => call<InvoicePage>(api.GET('/api/v1/me/invoices', { params: { query: { limit: 25, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
  });
  if (list.isPending) return <PageLoading />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  return (
    <Stack maw={900} mx="auto">
      <Group justify="space-between">
        <Title order={1}>{t('commerce.invoices.title')}</Title>
        <Button component={Link} to="/my-orders" variant="default">
          {t('commerce.order.history')}
        </Button>
      </Group>
      {items.length === 0 ? (
        <EmptyState title={t('commerce.invoices.empty')} hint={t('commerce.invoices.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table data-testid="my-invoices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('commerce.invoices.number')}</Table.Th>
                <Table.Th>{t('commerce.invoices.issued')}</Table.Th>
                <Table.Th>{t('commerce.invoices.for')}</Table.Th>
                <Table.Th ta="right">{t('commerce.invoices.total')}</Table.Th>
                <Table.Th>{t('commerce.invoices.status')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('commerce.invoices.download')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((inv) => (
                <Table.Tr key={inv.id} data-testid="my-invoice">
                  <Table.Td>{inv.number}</Table.Td>
                  <Table.Td>{formatDate(inv.issuedAt, i18n.language)}</Table.Td>
                  <Table.Td>
                    <InvoiceFor invoice={inv} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text span>{formatMoney(inv.totalMinor, inv.currency, i18n.language)}</Text>
                    {inv.taxMinor > 0 && (
                      <Text size="xs" c="dimmed">
                        {t('commerce.invoices.taxIncluded', { tax: formatMoney(inv.taxMinor, inv.currency, i18n.language) })}
                      </Text>
                    )}
                    {inv.refundedMinor > 0 && (
                      <Text size="xs" c="dimmed">
                        {t('commerce.order.refunded', { amount: formatMoney(inv.refundedMinor, inv.currency, i18n.language) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[inv.status]} variant="light">
                      {t(`commerce.invoices.statuses.${inv.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Button component="a" href={inv.pdfPath} download={`${inv.number}.pdf`} variant="default" size="xs">
                      {t('commerce.order.invoice', { number: inv.number })}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore query={list} label={t('commerce.invoices.more')} />
    </Stack>
  );
}
