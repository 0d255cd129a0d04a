import { AuthForm } from './AuthForm';

export function SignInPage() {
  return <AuthForm mode="sign-in" />;
}
