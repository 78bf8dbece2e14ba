/** Runs a GraphQL operation when its variables change; the view renders loading, error or data. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from './api';
import type { TypedDocumentString } from './gql/graphql';

export type QueryState<T> = { status: 'loading' } | { status: 'error'; error: string } | { status: 'done'; data: T } | { status: 'idle' };

export function useQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | null,
): QueryState<TResult> {
  const key = variables === null ? null : JSON.stringify(variables);
  const [state, setState] = useState<QueryState<TResult>>(variables === null ? { status: 'idle' } : { status: 'loading' });
  useEffect(() => {
    if (key === null) {
      setState({ status: 'idle' });
      return;
    }
    const abort = new AbortController();
    setState({ status: 'loading' });
    request(document, JSON.parse(key) as TVariables, { signal: abort.signal }).then(
      (data) => setState({ status: 'done', data }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState({ status: 'error', error: error instanceof ApiError ? error.message : String(error) });
      },
    );
    return () => abort.abort();
  }, [document, key]);
  return state;
}

/** The API key for mutations, kept for this browser tab only (never in a URL). */
export function useApiKey(): [string, (key: string) => void] {
  const [key, setKey] = useState(() => sessionStorage.getItem('atlas-api-key') ?? '');
  return [
    key,
    (next: string) => {
      setKey(next);
      if (next) sessionStorage.setItem('atlas-api-key', next);
      else sessionStorage.removeItem('atlas-api-key');
    },
  ];
}
