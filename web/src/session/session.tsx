import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { type Answer, ApiProblem, api, apiKey, must } from '../api/client';

export type Whoami = Answer<'/v1/whoami', 'get'>;

export interface Session {
  me: Whoami;
  /** Whether the key may call an operation, written as in the OpenAPI document: "POST /v1/orders/{id}/cancel". */
  can(operation: string): boolean;
  signOut(): void;
}

const Context = createContext<Session | null>(null);

/** Asks the API who a key is; a 401 means the key is wrong. */
export const whoami = () => must(api.GET('/v1/whoami'));

/**
 * Holds the signed-in key (session storage: gone with the tab) and what its role may do, learnt from
 * GET /v1/whoami. Without a key, or with one the API refuses, shows the sign-in page instead.
 */
export function SessionProvider({
  signIn,
  children,
}: {
  signIn: (done: () => void) => ReactNode;
  children: ReactNode;
}) {
  const client = useQueryClient();
  const [hasKey, setHasKey] = useState(() => apiKey.get() !== null);
  const me = useQuery({
    queryKey: ['whoami'],
    queryFn: whoami,
    enabled: hasKey,
    staleTime: 60_000,
    retry: false,
  });
  const [, navigate] = useLocation();
  const signOut = useCallback(() => {
    apiKey.clear();
    client.clear();
    setHasKey(false);
    // The next key starts on the dashboard, not on a page its role may not open.
    navigate('/');
  }, [client, navigate]);
  const session = useMemo<Session | null>(() => {
    if (!me.data) return null;
    const allowed = new Set(me.data.operations);
    return { me: me.data, can: (op) => allowed.has(op), signOut };
  }, [me.data, signOut]);

  if (!hasKey || (me.error instanceof ApiProblem && me.error.status === 401))
    return <>{signIn(() => setHasKey(true))}</>;
  if (!session)
    return (
      <p className="loading" role="status">
        …
      </p>
    );
  return <Context.Provider value={session}>{children}</Context.Provider>;
}

export function useSession(): Session {
  const session = useContext(Context);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
