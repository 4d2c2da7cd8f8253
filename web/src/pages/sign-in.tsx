import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, apiKey } from '../api/client';
import { useI18n } from '../i18n/locale';
import { whoami } from '../session/session';
import { LanguageSwitch } from '../ui/language-switch';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError('');
    apiKey.set(key.trim());
    try {
      client.setQueryData(['whoami'], await whoami());
      onSignedIn();
    } catch (e) {
      apiKey.clear();
      setError(e instanceof ApiProblem && e.status === 401 ? t('badKey') : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} className="card">
        <h1>{t('signInTitle')}</h1>
        <p className="muted" id="key-help">
          {t('signInHelp')}
        </p>
        <label className="field wide">
          <span>{t('apiKey')}</span>
          <input
            type="password"
            name="apiKey"
            autoComplete="off"
            required
            value={key}
            aria-describedby="key-help"
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
        <p role="alert" className="problem">
          {error}
        </p>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !key.trim()}>
            {t('signIn')}
          </button>
          <LanguageSwitch />
        </div>
      </form>
    </main>
  );
}
