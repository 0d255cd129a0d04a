import { Alert, Anchor, Button, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api';
import { errorMessage, usePageTitle } from '../components/common';
import { safeNext } from '../components/RequireAuth';
import { useAuthActions } from '../session';
import { TwoFactorStep } from './account/TwoFactorStep';

type Field = 'name' | 'email' | 'password';

/** Sign in and sign up share one form; sign up adds the name. */
export function AuthForm({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { t } = useTranslation();
  const isSignUp = mode === 'sign-up';
  const title = isSignUp ? t('auth.signUpTitle') : t('auth.signInTitle');
  const { signIn, signUp } = useAuthActions();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [values, setValues] = useState({ name: '', email: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // the password was right and the account asks for a second factor
  const [secondStep, setSecondStep] = useState(false);
  usePageTitle(secondStep ? t('account.twoFactorStep.title') : title);

  const set = (f: Field) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [f]: value }));
    setFieldErrors((fe) => ({ ...fe, [f]: undefined }));
  };

  const validate = (): Partial<Record<Field, string>> => {
    const errs: Partial<Record<Field, string>> = {};
    if (isSignUp && !values.name.trim()) errs.name = t('auth.required');
    if (!values.email.trim()) errs.email = t('auth.required');
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) errs.email = t('auth.invalidEmail');
    if (!values.password) errs.password = t('auth.required');
    else if (isSignUp && values.password.length < 8) errs.password = t('auth.passwordTooShort');
    return errs;
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    setFormError(null);
    const errs = validate();
    setFieldErrors(errs);
    if (Object.keys(errs).length > 0) {
      document.getElementById(`auth-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    setSubmitting(true);
    try {
      if (isSignUp) await signUp(values.name.trim(), values.email.trim(), values.password);
      else if ((await signIn(values.email.trim(), values.password)).twoFactor) {
        setSubmitting(false);
        setSecondStep(true);
        return;
      }
      navigate(isSignUp ? safeNext(next ?? '/') : safeNext(next), { replace: true });
    } catch (err) {
      setSubmitting(false);
      const code = err instanceof ApiError ? err.code?.toUpperCase() : undefined;
      const fromServer = err instanceof ApiError ? err.fieldErrors : {};
      if (code === 'INVALID_EMAIL_OR_PASSWORD') setFormError(t('auth.invalidCredentials'));
      else if (code?.startsWith('USER_ALREADY_EXISTS')) setFieldErrors({ email: t('auth.userExists') });
      else if (code === 'PASSWORD_TOO_SHORT') setFieldErrors({ password: t('auth.passwordTooShort') });
      else if (code === 'INVALID_EMAIL') setFieldErrors({ email: t('auth.invalidEmail') });
      else if (Object.keys(fromServer).length > 0)
        setFieldErrors({ name: fromServer.name, email: fromServer.email, password: fromServer.password });
      else setFormError(errorMessage(err, t));
    }
  };

  if (secondStep)
    return (
      <TwoFactorStep
        onDone={() => navigate(safeNext(next), { replace: true })}
        onRestart={(message) => {
          setSecondStep(false);
          setValues((v) => ({ ...v, password: '' }));
          setFormError(message);
        }}
      />
    );

  return (
    <Paper maw={420} mx="auto" mt="lg" p="lg" withBorder>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Title order={1} size="h2">
            {title}
          </Title>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          {isSignUp && (
            <TextInput
              id="auth-name"
              label={t('auth.name')}
              autoComplete="name"
              required
              value={values.name}
              onChange={set('name')}
              error={fieldErrors.name}
            />
          )}
          <TextInput
            id="auth-email"
            label={t('auth.email')}
            type="email"
            autoComplete="email"
            required
            value={values.email}
            onChange={set('email')}
            error={fieldErrors.email}
          />
          <PasswordInput
            id="auth-password"
            label={t('auth.password')}
            description={isSignUp ? t('auth.passwordHint') : undefined}
            autoComplete={isSignUp ? 'new-password' : 'current-password'}
            required
            value={values.password}
            onChange={set('password')}
            error={fieldErrors.password}
            visibilityToggleButtonProps={{ 'aria-label': t('auth.togglePassword') }}
          />
          {!isSignUp && (
            <Group justify="flex-end" mt={-8}>
              <Anchor component={Link} to="/forgot-password" size="sm">
                {t('account.forgot.link')}
              </Anchor>
            </Group>
          )}
          <Button type="submit" loading={submitting} fullWidth>
            {isSignUp ? t('auth.submitSignUp') : t('auth.submitSignIn')}
          </Button>
          <Text size="sm" ta="center">
            {isSignUp ? t('auth.haveAccount') : t('auth.noAccount')}{' '}
            <Anchor component={Link} to={`${isSignUp ? '/sign-in' : '/sign-up'}${next ? `?next=${encodeURIComponent(next)}` : ''}`}>
              {isSignUp ? t('nav.signIn') : t('nav.signUp')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}
