/**
 * The explorer's only way to the atlas: the public GraphQL API at /graphql, with operations typed
 * by the generated `graphql()` documents (gql/). Errors come back as sentences for people.
 */
import type { TypedDocumentString } from './gql/graphql';

/** A GraphQL or HTTP failure, worded for the page (the code is kept for decisions). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; argumentName?: string };
}

const wording: Record<string, string> = {
  UNAUTHENTICATED: 'The API key was missing or wrong.',
  FORBIDDEN: 'This server accepts no changes: it was started without an API key (ATLAS_API_KEY).',
  INTERNAL_SERVER_ERROR: 'The server failed to answer (an internal error; its log says why).',
  SERVICE_UNAVAILABLE: 'The server is busy; try again in a moment.',
};

/** One error as a sentence: the server's own message for bad input, a plain word for the rest. */
export function describeError(error: GraphQLErrorShape): string {
  const code = error.extensions?.code;
  const general = code ? wording[code] : undefined;
  if (general) return code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? `${general} (${error.message})` : general;
  return error.message.charAt(0).toUpperCase() + error.message.slice(1);
}

export interface RequestOptions {
  apiKey?: string;
  signal?: AbortSignal;
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<TResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('The server could not be reached. Is it still running?', 'NETWORK');
  }
  let body: { data?: TResult | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(
      response.status === 503 ? wording.SERVICE_UNAVAILABLE! : `The server answered HTTP ${response.status} without a GraphQL response.`,
      `HTTP_${response.status}`,
    );
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(body.errors!.map(describeError).join(' '), first.extensions?.code);
  if (!body.data) throw new ApiError(`The server answered HTTP ${response.status} without data.`, `HTTP_${response.status}`);
  return body.data;
}
