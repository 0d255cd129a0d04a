import { Alert, Button, FileButton, Group, List, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { errorMessage, notify, notifyError } from '../../components/common';

interface ImportResult {
  imported: number;
  warnings: string[];
}

/** Download the bank as a QTI content package, or add the questions of one to it. */
export function QtiTransfer({ bankId, onImported }: { bankId: string; onImported: () => void }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState<'3.0' | '2.1'>('3.0');
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  // the typed client parses JSON; packages are binary, so these two go through fetch
  const download = async () => {
    setBusy('export');
    try {
      const res = await fetch(`/api/v1/question-banks/${bankId}/qti?version=${version}`, { credentials: 'include' });
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'questions-qti.zip';
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(null);
    }
  };

  const upload = async (file: File | null) => {
    if (!file) return;
    setBusy('import');
    setError(null);
    setResult(null);
    try {
      const res = await fetch(`/api/v1/question-banks/${bankId}/qti`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/zip' },
        body: file,
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new ApiError(res.status, body);
      setResult(body as ImportResult);
      notify({ color: 'green', message: t('quiz.qti.imported', { count: (body as ImportResult).imported }) });
      onImported();
    } catch (e) {
      setError(errorMessage(e, t));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="qti-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="qti-title">
          {t('quiz.qti.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('quiz.qti.hint')}
        </Text>
        <Group align="flex-end" wrap="wrap">
          <NativeSelect
            label={t('quiz.qti.version')}
            value={version}
            onChange={(e) => setVersion(e.currentTarget.value as '3.0' | '2.1')}
            data={[
              { value: '3.0', label: 'QTI 3.0' },
              { value: '2.1', label: 'QTI 2.1' },
            ]}
          />
          <Button variant="default" onClick={() => void download()} loading={busy === 'export'} disabled={busy !== null}>
            {t('quiz.qti.export')}
          </Button>
          <FileButton onChange={(f) => void upload(f)} accept="application/zip,.zip">
            {(props) => (
              <Button {...props} variant="default" loading={busy === 'import'} disabled={busy !== null}>
                {t('quiz.qti.import')}
              </Button>
            )}
          </FileButton>
        </Group>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {result && (
          <Alert color="green" role="status" data-testid="qti-result">
            <Text size="sm">{t('quiz.qti.imported', { count: result.imported })}</Text>
            {result.warnings.length > 0 && (
              <>
                <Text size="sm" mt="xs">
                  {t('quiz.qti.warnings')}
                </Text>
                <List size="sm">
                  {result.warnings.map((w) => (
                    <List.Item key={w}>{w}</List.Item>
                  ))}
                </List>
              </>
            )}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
