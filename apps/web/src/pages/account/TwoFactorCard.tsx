import { Alert, Badge, Button, Code, CopyButton, Group, Image, List, Paper, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { authRequest, type Me } from '../../api';
import { confirmAction, notify, notifyError } from '../../components/common';
import { authCode } from './validation';

interface Setup {
  totpURI: string;
  backupCodes: string[];
}

/** The base32 secret inside an otpauth:// URI, for typing it into an app by hand. */
function secretOf(uri: string): string {
  try {
    return new URL(uri).searchParams.get('secret') ?? '';
  } catch {
    return '';
  }
}

export function TwoFactorCard({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [setup, setSetup] = useState<Setup | null>(null);
  const enabled = me.twoFactorEnabled;
  return (
    <Paper withBorder p="lg">
      <Stack>
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h4">
            {t('account.twoFactor.title')}
          </Title>
          <Badge color={enabled ? 'green' : 'gray'} variant="light" data-testid="two-factor-state">
            {enabled ? t('account.twoFactor.on') : t('account.twoFactor.off')}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('account.twoFactor.intro')}
        </Text>
        {enabled ? (
          <DisableTwoFactor />
        ) : setup ? (
          <ConfirmTwoFactor setup={setup} onCancel={() => setSetup(null)} onDone={() => setSetup(null)} />
        ) : (
          <PasswordStep
            idPrefix="enable-2fa"
            submitLabel={t('account.twoFactor.enable')}
            hint={t('account.twoFactor.enableHint')}
            onSubmit={async (password) => {
              setSetup(await authRequest<Setup>('POST', '/two-factor/enable', { password }));
            }}
          />
        )}
      </Stack>
    </Paper>
  );
}

/** A password field and a button; a wrong password is shown beside the field. */
function PasswordStep({
  idPrefix,
  submitLabel,
  hint,
  color,
  onSubmit,
}: {
  idPrefix: string;
  submitLabel: string;
  hint: string;
  color?: string;
  /** resolves false when nothing was done (the person cancelled), which keeps the password typed */
  onSubmit: (password: string) => Promise<boolean | void>;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!password) {
      setError(t('auth.required'));
      document.getElementById(`${idPrefix}-password`)?.focus();
      return;
    }
    setBusy(true);
    try {
      if ((await onSubmit(password)) !== false) setPassword('');
    } catch (err) {
      if (authCode(err) === 'INVALID_PASSWORD') {
        setError(t('account.password.wrongCurrent'));
        document.getElementById(`${idPrefix}-password`)?.focus();
      } else notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <PasswordInput
          id={`${idPrefix}-password`}
          label={t('account.twoFactor.password')}
          description={hint}
          autoComplete="current-password"
          required
          maw={360}
          value={password}
          onChange={(e) => {
            setPassword(e.currentTarget.value);
            setError(undefined);
          }}
          error={error}
          visibilityToggleButtonProps={{ 'aria-label': t('auth.togglePassword') }}
        />
        <Group>
          <Button type="submit" loading={busy} color={color}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ConfirmTwoFactor({ setup, onCancel, onDone }: { setup: Setup; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const secret = secretOf(setup.totpURI);

  useEffect(() => {
    let live = true;
    QRCode.toDataURL(setup.totpURI, { margin: 1, width: 200, errorCorrectionLevel: 'M' })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [setup.totpURI]);

  const download = () => {
    const text = `${t('account.twoFactor.backupFileHeader')}\n\n${setup.backupCodes.join('\n')}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'lyceum-backup-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const value = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) {
      setError(t('account.twoFactorStep.sixDigits'));
      document.getElementById('confirm-2fa-code')?.focus();
      return;
    }
    setBusy(true);
    try {
      await authRequest('POST', '/two-factor/verify-totp', { code: value });
      await qc.invalidateQueries({ queryKey: ['me'] });
      notify({ color: 'green', message: t('account.twoFactor.enabled') });
      onDone();
    } catch (err) {
      setBusy(false);
      if (authCode(err) === 'INVALID_CODE') {
        setError(t('account.twoFactorStep.wrongCode'));
        document.getElementById('confirm-2fa-code')?.focus();
      } else notifyError(err, t);
    }
  };

  return (
    <Stack>
      <Alert color="blue" title={t('account.twoFactor.step1')}>
        {t('account.twoFactor.scan')}
      </Alert>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Stack gap="xs" align="flex-start">
          {qr ? (
            <Image src={qr} alt={t('account.twoFactor.qrAlt')} w={200} h={200} radius="sm" bg="white" />
          ) : (
            <Text size="sm">{t('account.twoFactor.qrUnavailable')}</Text>
          )}
          <Text size="sm">{t('account.twoFactor.manual')}</Text>
          <Code data-testid="totp-secret" style={{ wordBreak: 'break-all' }}>
            {secret}
          </Code>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t('account.copied') : t('account.twoFactor.copySecret')}
              </Button>
            )}
          </CopyButton>
        </Stack>
        <Stack gap="xs">
          <Text fw={600}>{t('account.twoFactor.backupTitle')}</Text>
          <Text size="sm">{t('account.twoFactor.backupHint')}</Text>
          <List spacing={2} size="sm" listStyleType="none" ff="monospace" data-testid="backup-codes">
            {setup.backupCodes.map((c) => (
              <List.Item key={c}>{c}</List.Item>
            ))}
          </List>
          <Group gap="xs">
            <CopyButton value={setup.backupCodes.join('\n')}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy}>
                  {copied ? t('account.copied') : t('account.twoFactor.copyCodes')}
                </Button>
              )}
            </CopyButton>
            <Button size="xs" variant="default" onClick={download}>
              {t('account.twoFactor.downloadCodes')}
            </Button>
          </Group>
        </Stack>
      </SimpleGrid>
      <form onSubmit={confirm} noValidate>
        <Stack gap="sm">
          <TextInput
            id="confirm-2fa-code"
            label={t('account.twoFactor.confirmCode')}
            description={t('account.twoFactor.confirmHint')}
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={7}
            required
            maw={240}
            value={code}
            onChange={(e) => {
              setCode(e.currentTarget.value);
              setError(undefined);
            }}
            error={error}
          />
          <Group>
            <Button type="submit" loading={busy}>
              {t('account.twoFactor.confirm')}
            </Button>
            <Button variant="default" disabled={busy} onClick={onCancel}>
              {t('app.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function DisableTwoFactor() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  return (
    <PasswordStep
      idPrefix="disable-2fa"
      color="red.9"
      submitLabel={t('account.twoFactor.disable')}
      hint={t('account.twoFactor.disableHint')}
      onSubmit={async (password) => {
        const ok = await confirmAction({
          title: t('account.twoFactor.disableTitle'),
          message: t('account.twoFactor.disableMessage'),
          confirmLabel: t('account.twoFactor.disable'),
        });
        if (!ok) return false;
        await authRequest('POST', '/two-factor/disable', { password });
        await qc.invalidateQueries({ queryKey: ['me'] });
        notify({ message: t('account.twoFactor.disabled') });
      }}
    />
  );
}
