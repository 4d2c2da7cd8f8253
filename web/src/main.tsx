import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './app';
import { I18nProvider } from './i18n/locale';
import { SignIn } from './pages/sign-in';
import { SessionProvider } from './session/session';
import './styles.css';

const queries = new QueryClient({
  defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <I18nProvider>
        <Router base="/admin">
          <SessionProvider signIn={(done) => <SignIn onSignedIn={done} />}>
            <App />
          </SessionProvider>
        </Router>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
