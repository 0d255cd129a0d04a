import { Alert, Anchor, Badge, Button, FileButton, Group, Image, Modal, Paper, Skeleton, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useOutletContext } from 'react-router';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, ErrorState, formatDate, notify, notifyError, usePageTitle } from '../../components/common';
import type { CourseEditor } from '../instructor/model';
import { issuedKey, templateKey, type Certificate, type CertificatePage, type CertificateTemplate, type CertificateTemplateEnvelope, type PutCertificateTemplate } from './model';

type Draft = Required<PutCertificateTemplate>;
const FIELDS = ['title', 'issuerName', 'signerName', 'signerTitle', 'description', 'criteria'] as const;

function draftOf(t: CertificateTemplate | null, fallbackIssuer: string): Draft {
  return {
    title: t?.title ?? 'Certificate of completion',
    issuerName: t?.issuerName ?? fallbackIssuer,
    signerName: t?.signerName ?? '',
    signerTitle: t?.signerTitle ?? '',
    description: t?.description ?? '',
    criteria: t?.criteria ?? '',
  };
}

/** PUT the signature as multipart (the typed client sends JSON bodies only). */
async function uploadSignature(courseId: string, file: File): Promise<CertificateTemplateEnvelope> {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch(`/api/v1/courses/${encodeURIComponent(courseId)}/certificate-template/signature`, {
    method: 'PUT',
    body: form,
    credentials: 'include',
    headers: { accept: 'application/json, application/problem+json' },
  });
  const body = (await res.json().catch(() => null)) as (CertificateTemplateEnvelope & { detail?: string; title?: string }) | null;
  if (!res.ok || !body) throw new Error(body?.detail ?? body?.title ?? `HTTP ${res.status}`);
  return body;
}

function SignatureField({ courseId, template, disabled }: { courseId: string; template: CertificateTemplate; disabled: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onFile = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setBusy(true);
    try {
      qc.setQueryData(templateKey(courseId), await uploadSignature(courseId, file));
      notify({ color: 'green', message: t('certificates.signature.uploaded') });
    } catch (e) {
      setError(e instanceof Error && e.message ? e.message : t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    const ok = await confirmAction({ title: t('certificates.signature.remove'), message: t('certificates.signature.hint'), confirmLabel: t('certificates.signature.remove') });
    if (!ok) return;
    setBusy(true);
    try {
      qc.setQueryData(templateKey(courseId), await call<CertificateTemplateEnvelope>(api.DELETE('/api/v1/courses/{courseId}/certificate-template/signature', { params: { path: { courseId } } })));
      notify({ message: t('certificates.signature.removed') });
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm" id="signature-label">
        {t('certificates.signature.label')}
      </Text>
      <Group align="flex-start">
        {template.signatureUrl ? (
          <Image src={template.signatureUrl} alt={t('certificates.signature.alt')} w={200} h={70} fit="contain" bg="white" radius="sm" data-testid="signature-image" />
        ) : (
          <Text size="sm" c="dimmed" w={200}>
            {t('certificates.signature.none')}
          </Text>
        )}
        <Stack gap="xs" style={{ flex: '1 1 200px' }}>
          <Group gap="xs">
            <FileButton onChange={(f) => void onFile(f)} accept="image/png,image/jpeg" disabled={disabled || busy} inputProps={{ 'aria-labelledby': 'signature-label', name: 'signature' }}>
              {(props) => (
                <Button {...props} variant="default" loading={busy} disabled={disabled}>
                  {template.signatureUrl ? t('certificates.signature.replace') : t('certificates.signature.upload')}
                </Button>
              )}
            </FileButton>
            {template.signatureUrl && (
              <Button variant="subtle" color="red" disabled={disabled || busy} onClick={() => void remove()}>
                {t('certificates.signature.remove')}
              </Button>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {t('certificates.signature.hint')}
          </Text>
          {error && (
            <Alert color="red" role="alert" title={t('certificates.signature.refused')}>
              {error}
            </Alert>
          )}
        </Stack>
      </Group>
    </Stack>
  );
}

function Preview({ courseId }: { courseId: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const show = async () => {
    setBusy(true);
    try {
      const blob = await call<Blob>(api.GET('/api/v1/courses/{courseId}/certificate-template/preview', { params: { path: { courseId } }, parseAs: 'blob' }));
      setUrl(URL.createObjectURL(blob));
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="xs">
      <Group>
        <Button variant="default" loading={busy} onClick={() => void show()}>
          {t('certificates.template.preview')}
        </Button>
        {url && (
          <Anchor href={url} target="_blank" rel="noopener" data-testid="preview-link">
            certificate-preview.pdf
          </Anchor>
        )}
      </Group>
      {url && <iframe title={t('certificates.template.preview')} src={url} style={{ width: '100%', aspectRatio: '842 / 595', border: '1px solid var(--mantine-color-default-border)' }} />}
    </Stack>
  );
}

function RevokeModal({ cert, courseId, onClose }: { cert: Certificate; courseId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const revoke = useMutation({
    mutationFn: () => call<Certificate>(api.POST('/api/v1/certificates/{certificateId}/revoke', { params: { path: { certificateId: cert.id } }, body: { reason } })),
    onSuccess: () => {
      notify({ color: 'green', message: t('certificates.issued.revoked', { code: cert.code }) });
      void qc.invalidateQueries({ queryKey: issuedKey(courseId) });
      onClose();
    },
    onError: (e) => {
      const f = bodyFieldErrors(e);
      if (f.reason) setError(f.reason);
      else notifyError(e, t);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!revoke.isPending) revoke.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={t('certificates.issued.revokeTitle')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">
            {cert.learnerName} · {cert.code}
          </Text>
          <Textarea label={t('certificates.issued.reason')} description={t('certificates.issued.reasonHint')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} autosize minRows={2} data-autofocus required />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" color="red" loading={revoke.isPending}>
              {t('certificates.issued.confirmRevoke')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function IssuedList({ courseId }: { courseId: string }) {
  const { t, i18n } = useTranslation();
  const [revoking, setRevoking] = useState<Certificate | null>(null);
  const list = useInfiniteQuery({
    queryKey: issuedKey(courseId),
    queryFn: ({ pageParam }) => call<CertificatePage>(api.GET('/api/v1/courses/{courseId}/certificates', { params: { path: { courseId }, query: { limit: 25, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack component="section" aria-labelledby="issued-heading" gap="sm">
      <Title order={2} id="issued-heading" size="h3">
        {t('certificates.issued.heading')}
      </Title>
      {list.isPending ? (
        <Stack aria-hidden="true">
          <Skeleton height={36} />
          <Skeleton height={36} />
        </Stack>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder p="md">
          <Text fw={500}>{t('certificates.issued.empty')}</Text>
          <Text size="sm" c="dimmed">
            {t('certificates.issued.emptyHint')}
          </Text>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} role="region" aria-label={t('certificates.issued.heading')}>
          <Table striped data-testid="issued-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('certificates.issued.learner')}</Table.Th>
                <Table.Th>{t('certificates.issued.id')}</Table.Th>
                <Table.Th>{t('certificates.issued.issuedAt')}</Table.Th>
                <Table.Th>{t('certificates.issued.status')}</Table.Th>
                <Table.Th>{t('certificates.issued.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{c.learnerName}</Table.Td>
                  <Table.Td>
                    <Anchor href={`/verify/${c.code}`} target="_blank" rel="noopener" ff="monospace">
                      {c.code}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{formatDate(c.issuedAt, i18n.language)}</Table.Td>
                  <Table.Td>
                    <Badge color={c.status === 'valid' ? 'green' : 'red'} variant="light" title={c.revokedReason ?? undefined}>
                      {t(`certificates.status.${c.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {c.pdfUrl && (
                        <Button component="a" href={c.pdfUrl} size="xs" variant="default" aria-label={t('certificates.issued.downloadLabel', { name: c.learnerName })}>
                          {t('certificates.issued.download')}
                        </Button>
                      )}
                      {c.status === 'valid' && (
                        <Button size="xs" variant="light" color="red" onClick={() => setRevoking(c)} aria-label={t('certificates.issued.revokeLabel', { name: c.learnerName })}>
                          {t('certificates.issued.revoke')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('certificates.issued.more')}
        </Button>
      )}
      {revoking && <RevokeModal cert={revoking} courseId={courseId} onClose={() => setRevoking(null)} />}
    </Stack>
  );
}

/** The course editor's "Certificate" tab: the template (with signature and a PDF preview) and the issued certificates. */
export function CertificateTab() {
  const course = useOutletContext<CourseEditor>();
  const courseId = course.id;
  const { t } = useTranslation();
  usePageTitle(t('certificates.template.pageTitle', { title: course.draft.title }));
  const qc = useQueryClient();
  const envelope = useQuery({
    queryKey: templateKey(courseId),
    queryFn: () => call<CertificateTemplateEnvelope>(api.GET('/api/v1/courses/{courseId}/certificate-template', { params: { path: { courseId } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (envelope.data && draft === null) setDraft(draftOf(envelope.data.template, ''));
  }, [envelope.data, draft]);

  const save = useMutation({
    mutationFn: (d: Draft) => call<CertificateTemplateEnvelope>(api.PUT('/api/v1/courses/{courseId}/certificate-template', { params: { path: { courseId } }, body: d })),
    onSuccess: (next) => {
      qc.setQueryData(templateKey(courseId), next);
      setDraft(draftOf(next.template, ''));
      setErrors({});
      notify({ color: 'green', message: t('certificates.template.saved') });
    },
    onError: (e) => {
      const f = bodyFieldErrors(e);
      setErrors(f);
      if (Object.keys(f).length === 0) notifyError(e, t);
    },
  });
  const remove = useMutation({
    mutationFn: () => call<unknown>(api.DELETE('/api/v1/courses/{courseId}/certificate-template', { params: { path: { courseId } } })),
    onSuccess: () => {
      setDraft(null);
      void qc.invalidateQueries({ queryKey: templateKey(courseId) });
      notify({ message: t('certificates.template.deleted') });
    },
    onError: (e) => notifyError(e, t),
  });

  if (envelope.isPending || (envelope.data && !draft))
    return (
      <Stack aria-hidden="true">
        <Skeleton height={28} width="40%" />
        <Skeleton height={200} />
      </Stack>
    );
  if (envelope.isError) return <ErrorState error={envelope.error} onRetry={() => void envelope.refetch()} />;
  const tpl = envelope.data.template;
  const canEdit = course.can.edit;
  const d = draft!;
  const set = (k: (typeof FIELDS)[number]) => (e: { currentTarget: { value: string } }) => setDraft({ ...d, [k]: e.currentTarget.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate(d);
  };
  const onDelete = async () => {
    const ok = await confirmAction({ title: t('certificates.template.deleteTitle'), message: t('certificates.template.deleteMessage'), confirmLabel: t('certificates.template.delete') });
    if (ok) remove.mutate();
  };

  return (
    <Stack gap="lg">
      <Stack component="section" aria-labelledby="template-heading" gap="sm">
        <Group justify="space-between">
          <Title order={2} id="template-heading" size="h3">
            {t('certificates.template.heading')}
          </Title>
          {tpl && (
            <Badge variant="light" data-testid="issued-count">
              {t('certificates.template.issuedCount', { count: envelope.data.issuedCount })}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {t('certificates.template.intro')}
        </Text>
        {!tpl && (
          <Alert color="blue" title={t('certificates.template.none')}>
            {t('certificates.template.noneHint')}
          </Alert>
        )}
        {!canEdit && <Text size="sm">{t('certificates.template.readOnly')}</Text>}
        <form onSubmit={submit} noValidate>
          <Stack gap="sm" maw={640}>
            <TextInput label={t('certificates.template.title')} description={t('certificates.template.titleHint')} value={d.title} onChange={set('title')} error={errors.title} required disabled={!canEdit} />
            <TextInput label={t('certificates.template.issuerName')} value={d.issuerName} onChange={set('issuerName')} error={errors.issuerName} required disabled={!canEdit} />
            <Group grow align="flex-start" wrap="wrap">
              <TextInput label={t('certificates.template.signerName')} value={d.signerName} onChange={set('signerName')} error={errors.signerName} required disabled={!canEdit} miw={200} />
              <TextInput label={t('certificates.template.signerTitle')} value={d.signerTitle} onChange={set('signerTitle')} error={errors.signerTitle} disabled={!canEdit} miw={200} />
            </Group>
            <TextInput label={t('certificates.template.description')} description={t('certificates.template.descriptionHint')} value={d.description} onChange={set('description')} error={errors.description} disabled={!canEdit} />
            <Textarea label={t('certificates.template.criteria')} description={t('certificates.template.criteriaHint')} value={d.criteria} onChange={set('criteria')} error={errors.criteria} autosize minRows={2} disabled={!canEdit} />
            {canEdit && (
              <Group>
                <Button type="submit" loading={save.isPending}>
                  {tpl ? t('certificates.template.save') : t('certificates.template.create')}
                </Button>
                {tpl && (
                  <Button variant="outline" color="red" loading={remove.isPending} onClick={() => void onDelete()}>
                    {t('certificates.template.delete')}
                  </Button>
                )}
              </Group>
            )}
          </Stack>
        </form>
        {tpl ? <SignatureField courseId={courseId} template={tpl} disabled={!canEdit} /> : canEdit && <Text size="sm" c="dimmed">{t('certificates.signature.saveFirst')}</Text>}
        {tpl && <Preview courseId={courseId} />}
      </Stack>
      <IssuedList courseId={courseId} />
    </Stack>
  );
}
